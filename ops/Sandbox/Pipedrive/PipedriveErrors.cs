using Pipeline.Sandbox.Hosting;

namespace Pipeline.Sandbox.Pipedrive;

/// <summary>Pipedrive's documented error body: {"success":false,"error","error_info","data":null,"additional_data":null}.</summary>
internal static class PipedriveErrors
{
    public static Task Write(HttpContext ctx, int status, string error) =>
        HttpJson.Write(ctx, status, w =>
        {
            w.WriteStartObject();
            w.WriteBoolean("success", false);
            w.WriteString("error", error);
            w.WriteNumber("errorCode", status);
            w.WriteString("error_info", "Please check developers.pipedrive.com for more information about Pipedrive API.");
            w.WriteNull("data");
            w.WriteNull("additional_data");
            w.WriteEndObject();
        });

    public static Task Unauthorized(HttpContext ctx) => Write(ctx, 401, "unauthorized access");
}
