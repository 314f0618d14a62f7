using System.Globalization;

namespace Explainability.Server.Models;

/// <summary>
/// Orders model-card versions for choosing between two folders that carry one model id (<see cref="ModelDirectoryWatcher"/>):
/// dot-separated parts compared left to right, numerically where both parts are whole numbers (<c>1.10.0</c> after
/// <c>1.9.0</c>), otherwise ordinally; when one version is a prefix of the other, the longer is higher (<c>1.0.1</c> after
/// <c>1.0</c>). Equal only when the texts are equal part by part (<c>1.0</c> and <c>1.00</c> are equal).
/// </summary>
public static class ModelVersionOrder
{
    /// <summary>Negative when <paramref name="a"/> is the lower version, positive when it is the higher, 0 when equal.</summary>
    public static int Compare(string a, string b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        string[] x = a.Split('.'), y = b.Split('.');
        for (int i = 0; i < Math.Min(x.Length, y.Length); i++)
        {
            int order = long.TryParse(x[i], NumberStyles.None, CultureInfo.InvariantCulture, out long p)
                && long.TryParse(y[i], NumberStyles.None, CultureInfo.InvariantCulture, out long q)
                ? p.CompareTo(q)
                : string.CompareOrdinal(x[i], y[i]);
            if (order != 0)
            {
                return order;
            }
        }

        return x.Length.CompareTo(y.Length);
    }
}
