namespace Portal.Data.Entities;

/// <summary>
/// How a run's tags are stored: lower case, trimmed, unique, sorted and joined as <c>|a|b|</c>, so that "has tag t" is
/// <c>Tags LIKE '%|t|%'</c> on SQLite and PostgreSQL alike.
/// </summary>
public static class RunTags
{
    /// <summary>Longest tag, in characters.</summary>
    public const int MaxTagLength = 40;

    /// <summary>Most tags on one run.</summary>
    public const int MaxTags = 20;

    /// <summary>Whether a character may appear in a tag: letters, digits and <c>- _ . : /</c>.</summary>
    public static bool IsTagChar(char c) => char.IsLetterOrDigit(c) || c is '-' or '_' or '.' or ':' or '/';

    /// <summary>The stored form of <paramref name="tags"/>; null when there are none.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A tag is longer than <see cref="MaxTagLength"/>, holds a character
    /// other than letters, digits and <c>- _ . : /</c>, or there are more than <see cref="MaxTags"/>.</exception>
    public static string? Normalize(IEnumerable<string>? tags)
    {
        var list = Parse(tags);
        return list.Count == 0 ? null : "|" + string.Join('|', list) + "|";
    }

    /// <summary>The tags, cleaned (trimmed, lower case, unique, sorted) and checked.</summary>
    /// <exception cref="ArgumentOutOfRangeException">See <see cref="Normalize"/>.</exception>
    public static IReadOnlyList<string> Parse(IEnumerable<string>? tags)
    {
        var list = (tags ?? []).Select(t => (t ?? "").Trim().ToLowerInvariant()).Where(t => t.Length > 0)
            .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        foreach (var tag in list)
        {
            if (tag.Length > MaxTagLength || !tag.All(IsTagChar))
            {
                throw new ArgumentOutOfRangeException(nameof(tags), tag,
                    $"A tag has 1 to {MaxTagLength} characters among letters, digits and - _ . : / (\"{tag}\" does not).");
            }
        }
        if (list.Count > MaxTags)
        {
            throw new ArgumentOutOfRangeException(nameof(tags), list.Count, $"A run has at most {MaxTags} tags ({list.Count} given).");
        }
        return list;
    }

    /// <summary>The tags of a stored value (<see cref="Run.Tags"/>).</summary>
    public static IReadOnlyList<string> Split(string? stored) =>
        string.IsNullOrEmpty(stored) ? [] : stored.Split('|', StringSplitOptions.RemoveEmptyEntries);
}
