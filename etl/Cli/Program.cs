using Pipeline.Cli;
using Pipeline.Etl;

NativeHeap.LimitArenas(); // before the threads that would each get an arena

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    // First Ctrl-C asks the running window to stop and roll back; a second one kills the process.
    e.Cancel = !cancel.IsCancellationRequested;
    cancel.Cancel();
};

return await PipelineCli.RunAsync(args, cancel.Token);
