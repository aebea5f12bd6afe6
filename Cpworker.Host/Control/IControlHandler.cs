using System.Text.Json;
using System.Text.Json.Nodes;

namespace Cpworker.Host.Control;

/// <summary>
/// What a <see cref="ControlServer"/> asks to answer a request once the handshake is done: the
/// daemon's <see cref="ControlCommands"/> or recv's commands. The server keeps the socket file,
/// the peer check, the framing and the limits; the handler only turns a request into a reply.
/// </summary>
/// <remarks>Called on the control server's tasks, one request at a time per client; must not block.</remarks>
internal interface IControlHandler
{
    /// <summary>
    /// The reply to a parsed request, and an action to run once the reply is on its way
    /// (a stop must not overtake its own reply).
    /// </summary>
    (JsonObject Reply, Action? After) Handle(JsonElement request);

    /// <summary>For a request answered only once something finishes: the work that produces the reply. Null for every other request.</summary>
    Func<Task<JsonObject>>? Deferred(JsonElement request);
}
