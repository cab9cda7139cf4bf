using System.Text;

namespace Portal.Application.Common;

/// <summary>A request asks for more than a configured limit allows; <see cref="StatusCode"/> is 400 or 413.</summary>
public sealed class LimitExceededException(string limit, string message, int statusCode = 400)
    : ArgumentException($"{message} (limit {limit})")
{
    /// <summary>The configuration key, e.g. <c>Limits:MaxRunStrategySteps</c>.</summary>
    public string Limit { get; } = limit;

    public int StatusCode { get; } = statusCode;
}

/// <summary>Checks for text that people type: names, filters, file names.</summary>
public static class TextRules
{
    /// <summary>True when <paramref name="value"/> holds a control character (C0, DEL or C1), NUL included.</summary>
    public static bool HasControlCharacter(string value) => FirstControl(value) >= 0;

    /// <summary>Index of the first control character, or −1.</summary>
    public static int FirstControl(string value)
    {
        for (var i = 0; i < value.Length; i++)
        {
            if (char.IsControl(value[i])) return i;
        }
        return -1;
    }

    /// <summary>Throws a 400 naming <paramref name="field"/> when the name is too long or holds a control character.</summary>
    /// <returns>The trimmed name.</returns>
    public static string CheckName(string field, string? value, int maxLength, string limit = "Limits:MaxNameLength")
    {
        var name = (value ?? "").Trim();
        if (FirstControl(name) is var at and >= 0)
        {
            throw new LimitExceededException("no control characters", $"{field} holds a control character (U+{(int)name[at]:X4}) at position {at + 1}");
        }
        if (name.Length > maxLength)
        {
            throw new LimitExceededException(limit, $"{field} has {name.Length:N0} characters; at most {maxLength} are allowed");
        }
        return name;
    }

    /// <summary>Throws a 400 when an uploaded file name is not a plain file name.</summary>
    public static void CheckFileName(string? fileName, int maxLength)
    {
        var name = fileName ?? "";
        var shown = name.Length > 40 ? name[..40] + "…" : name;
        string? problem = name.Trim().Length == 0 ? "is empty"
            : name is "." or ".." ? "is not a file name"
            : name.IndexOfAny(['/', '\\']) >= 0 ? "holds a path separator; give the file's name only"
            : HasControlCharacter(name) ? "holds a control character"
            : name.Length > maxLength || Encoding.UTF8.GetByteCount(name) > maxLength ? $"is longer than {maxLength} characters (UTF-8 bytes)"
            : null;
        if (problem is not null)
        {
            throw new LimitExceededException("Limits:MaxFileNameLength and plain file names", $"File name '{Escape(shown)}' {problem}");
        }
    }

    private static string Escape(string s)
    {
        var sb = new StringBuilder(s.Length);
        foreach (var c in s)
        {
            if (char.IsControl(c)) sb.Append("\\u").Append(((int)c).ToString("x4", System.Globalization.CultureInfo.InvariantCulture));
            else sb.Append(c);
        }
        return sb.ToString();
    }
}
