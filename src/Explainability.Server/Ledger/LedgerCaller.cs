namespace Explainability.Server.Ledger;

/// <summary>Who asked for what the ledger records.</summary>
/// <param name="Client">The consuming system's name (the gRPC <c>client</c> metadata header), or <see cref="Anonymous"/>.</param>
/// <param name="Peer">The caller's address as the server saw it (gRPC peer), or <c>cli</c> for the command line.</param>
public sealed record LedgerCaller(string Client, string Peer)
{
    /// <summary>The client recorded when a call names none.</summary>
    public const string Anonymous = "anonymous";

    /// <summary>The command line on this machine, under the operating-system user's name.</summary>
    public static LedgerCaller CommandLine { get; } = new("cli:" + Environment.UserName, "cli");
}
