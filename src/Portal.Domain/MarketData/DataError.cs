using System.Globalization;
using System.Text;

namespace Portal.Domain.MarketData;

/// <summary>One problem found in an uploaded market-data file.</summary>
/// <param name="File">File name as uploaded (no directory).</param>
/// <param name="Row">1-based line number in the (decompressed) file; 0 when the problem concerns the whole file.</param>
/// <param name="Column">Column name (for example <c>ask_price_2</c>) or an empty string for whole-row problems.</param>
/// <param name="Value">The offending raw value, cut to 64 characters; empty when there is none.</param>
/// <param name="Message">What is wrong, in words an analyst understands.</param>
public sealed record DataError(string File, long Row, string Column, string Value, string Message)
{
    /// <summary>
    /// The value made safe for spreadsheets and logs: values starting with <c>= + - @</c>, tab or carriage return, or
    /// with one of <c>= + - @ ＝ ＋ － ＠</c> after leading whitespace (CSV formula injection, OWASP) are prefixed with an
    /// apostrophe unless they are plain numbers; control characters are escaped.
    /// </summary>
    public string SafeValue => Neutralise(Value);

    /// <summary>The <see cref="ValidationOptions"/> limit this error reports (e.g. <c>MaxLineBytes</c>), or null.</summary>
    public string? Limit { get; init; }

    /// <inheritdoc />
    public override string ToString()
    {
        var where = Row > 0 ? $"{File}, row {Row.ToString(CultureInfo.InvariantCulture)}" : File;
        if (Column.Length > 0) where += $", column {Column}";
        return Value.Length > 0 ? $"{where}: value '{SafeValue}': {Message}" : $"{where}: {Message}";
    }

    internal static string Clip(string value) => value.Length <= 64 ? value : value[..61] + "...";

    internal static string Clip(ReadOnlySpan<byte> utf8)
    {
        var slice = utf8.Length <= 64 ? utf8 : utf8[..64];
        return Clip(Encoding.UTF8.GetString(slice));
    }

    private static string Neutralise(string value)
    {
        if (value.Length == 0) return value;
        var sb = new StringBuilder(value.Length + 1);
        var first = value[0];
        var isNumber = double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out _);
        var i = 0;
        while (i < value.Length && (char.IsWhiteSpace(value[i]) || char.IsControl(value[i]))) i++;
        var lead = i < value.Length ? value[i] : '\0';
        // Spreadsheets run a formula after leading whitespace too, and read fullwidth ＝ ＋ － ＠ as their ASCII twins.
        if (!isNumber && (first is '=' or '+' or '-' or '@' or '\t' or '\r'
                          || lead is '=' or '+' or '-' or '@' or '\uFF1D' or '\uFF0B' or '\uFF0D' or '\uFF20')) sb.Append('\'');
        foreach (var c in value)
        {
            if (char.IsControl(c)) sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
            else sb.Append(c);
        }
        return sb.ToString();
    }
}

/// <summary>
/// Thrown when market data is rejected. Carries every problem found (up to <see cref="ValidationOptions.MaxErrors"/>),
/// each naming file, row, column and value. A rejected input never yields a partial dataset.
/// </summary>
public sealed class MarketDataValidationException : FormatException
{
    /// <summary>Creates the exception from the collected errors (at least one).</summary>
    public MarketDataValidationException(IReadOnlyList<DataError> errors, bool truncated)
        : base(BuildMessage(errors, truncated))
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (errors.Count == 0) throw new ArgumentException("At least one error is required.", nameof(errors));
        Errors = errors;
        Truncated = truncated;
    }

    /// <summary>The problems found, in file order.</summary>
    public IReadOnlyList<DataError> Errors { get; }

    /// <summary>True when collection stopped at the error limit, so later rows were not checked.</summary>
    public bool Truncated { get; }

    private static string BuildMessage(IReadOnlyList<DataError> errors, bool truncated)
    {
        if (errors is null || errors.Count == 0) return "Market data rejected.";
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"Market data rejected: {errors.Count}{(truncated ? "+" : "")} problem(s). ");
        foreach (var e in errors.Take(5)) sb.Append(e).Append(". ");
        if (errors.Count > 5) sb.Append("...");
        return sb.ToString().TrimEnd();
    }
}

/// <summary>Collects errors up to a limit; parsers stop reading once the limit is hit.</summary>
internal sealed class ErrorCollector(int maxErrors)
{
    private readonly List<DataError> _errors = [];

    public bool Full => _errors.Count >= _max;
    public bool Truncated { get; private set; }
    private readonly int _max = maxErrors;
    public int Count => _errors.Count;

    public void Add(string file, long row, string column, string value, string message)
    {
        if (Full) { Truncated = true; return; }
        _errors.Add(new DataError(file, row, column, DataError.Clip(value), message));
    }

    public void Add(string file, long row, string column, ReadOnlySpan<byte> value, string message)
    {
        if (Full) { Truncated = true; return; }
        _errors.Add(new DataError(file, row, column, DataError.Clip(value), message));
    }

    /// <summary>Records that the input passed a size limit (always kept, even when the collector is full).</summary>
    public void AddLimit(string file, long row, string message, string limit)
    {
        _errors.Add(new DataError(file, row, "", "", message) { Limit = limit });
    }

    public void ThrowIfAny()
    {
        if (_errors.Count > 0) throw new MarketDataValidationException(_errors.ToArray(), Truncated || _errors.Count >= _max);
    }
}
