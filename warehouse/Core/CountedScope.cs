namespace Pipeline.Warehouse;

/// <summary>
/// A process-wide setting held while anyone holds it: the first <see cref="Enter"/> turns it on, the last holder's
/// dispose turns it off (nested and concurrent holders count once; a holder disposed twice counts once).
/// </summary>
public sealed class CountedScope(Action turnOn, Action turnOff)
{
    private readonly Lock gate = new();
    private int holders;

    public IDisposable Enter()
    {
        lock (gate)
        {
            if (holders == 0)
            {
                turnOn(); // a failure leaves no holder behind
            }

            holders++;
        }

        return new Holder(this);
    }

    private void Leave()
    {
        lock (gate)
        {
            if (--holders == 0)
            {
                turnOff();
            }
        }
    }

    private sealed class Holder(CountedScope scope) : IDisposable
    {
        private int disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref disposed, 1) == 0)
            {
                scope.Leave();
            }
        }
    }
}
