using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Components;

namespace Portal.Web.Components.Shared;

/// <summary>
/// A table row of a server-rendered list page written as one piece of markup: fixed tags as they are, every value encoded
/// by the encoder the server renderer encodes text and attribute values with (<see cref="HtmlEncoder.Default"/>), so the
/// row reads as the same HTML its Razor markup gives. A row of a list page written as Razor elements costs every request
/// dozens of render-tree frames that the renderer walks, diffs and encodes one by one; as one markup frame it is written
/// once (docs/performance.md, "Portal under load").
/// </summary>
public sealed class RowMarkup
{
    private readonly StringBuilder _html;
    private readonly StringWriter _writer;

    /// <summary>A row to write, with room for <paramref name="capacity"/> characters.</summary>
    public RowMarkup(int capacity = 2048)
    {
        _html = new StringBuilder(capacity);
        _writer = new StringWriter(_html, System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Markup written as it is: only constant tags and attribute names, never a value.</summary>
    public RowMarkup Tag(string markup)
    {
        _html.Append(markup);
        return this;
    }

    /// <summary>The start of a list table's cell after the first, <c>&lt;td data-label="…" class="mud-table-cell"&gt;</c>, with
    /// the line break and indentation the Razor markup of the list pages put between cells; <paramref name="label"/> is
    /// constant text (the column's title), written as it is.</summary>
    public RowMarkup Cell(string label)
    {
        _html.Append("\n                        <td data-label=\"").Append(label).Append("\" class=\"mud-table-cell\">");
        return this;
    }

    /// <summary>A value as text or as the inside of a double-quoted attribute value, encoded; nothing for null.</summary>
    public RowMarkup Text(string? value)
    {
        if (!string.IsNullOrEmpty(value)) HtmlEncoder.Default.Encode(_writer, value);
        return this;
    }

    /// <summary><c> name="value"</c> with the value encoded; nothing for a null value, as Razor leaves such an attribute out.</summary>
    public RowMarkup Attribute(string name, string? value)
    {
        if (value is null) return this;
        _html.Append(' ').Append(name).Append("=\"");
        Text(value);
        _html.Append('"');
        return this;
    }

    /// <summary>The row's markup.</summary>
    public MarkupString ToMarkup() => new(_html.ToString());

    /// <inheritdoc />
    public override string ToString() => _html.ToString();
}
