namespace Explainability.Server.Ledger;

/// <summary>
/// The durable record of what was served: explanations and the views served of them, and the global reports served. An append returns only once its
/// records are durable; a failed append stores nothing of it. Implementations are thread-safe.
/// </summary>
public interface IExplanationLedger : IDisposable
{
    /// <summary>Where the ledger lives, for messages (a file path, or a description).</summary>
    string Location { get; }

    /// <summary>Stores <paramref name="explanations"/> and <paramref name="views"/> in one transaction, durably; the views
    /// may be of explanations in the same call or already stored.</summary>
    /// <returns>The sequence assigned to each view, in order.</returns>
    /// <exception cref="LedgerUnavailableException">The records could not be stored; none of them is.</exception>
    IReadOnlyList<long> Append(IReadOnlyList<LedgerRecord> explanations, IReadOnlyList<LedgerViewRecord> views);

    /// <summary>The explanation recorded under <paramref name="id"/>, or null.</summary>
    /// <exception cref="LedgerUnavailableException">The ledger cannot be read.</exception>
    LedgerRecord? Find(string id);

    /// <summary>The views served of explanation <paramref name="id"/>, oldest first (empty for an unknown id).</summary>
    /// <exception cref="LedgerUnavailableException">The ledger cannot be read.</exception>
    IReadOnlyList<LedgerViewRecord> ViewsOf(string id);

    /// <summary>The <paramref name="limit"/> most recently recorded explanations, newest first.</summary>
    /// <exception cref="LedgerUnavailableException">The ledger cannot be read.</exception>
    IReadOnlyList<LedgerRecord> Recent(int limit);

    /// <summary>Stores <paramref name="report"/> durably, in a transaction of its own.</summary>
    /// <exception cref="LedgerUnavailableException">It could not be stored.</exception>
    void AppendReport(LedgerReportRecord report);

    /// <summary>The report recorded under <paramref name="id"/>, or null.</summary>
    /// <exception cref="LedgerUnavailableException">The ledger cannot be read.</exception>
    LedgerReportRecord? FindReport(string id);

    /// <summary>Number of recorded explanations.</summary>
    /// <exception cref="LedgerUnavailableException">The ledger cannot be read.</exception>
    long Count();
}
