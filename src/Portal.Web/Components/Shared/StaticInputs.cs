using System.Globalization;
using Microsoft.AspNetCore.Components;

namespace Portal.Web.Components.Shared;

/// <summary>
/// The markup of MudBlazor's text field, select, switch and data-grid pager, written as plain form controls for the
/// server-rendered list pages (/runs, /leaderboards): they look as the components do, work in a GET form without a
/// circuit, and cost no component instance. wwwroot/js/list-pages.js makes them submit as the user types or chooses.
/// Each control is one piece of markup (<see cref="RowMarkup"/>: every value encoded as the server renderer encodes it),
/// the HTML their Razor markup wrote, whitespace included, without a render-tree frame per element and attribute.
/// </summary>
public static class StaticInputs
{
    private const string ArrowDown = "M7 10l5 5 5-5z";

    /// <summary>One of MudBlazor's 24-pixel icons by its path.</summary>
    public static MarkupString Icon(string path, string cssClass = "") => WriteIcon(new RowMarkup(256), path, cssClass).ToMarkup();

    private static RowMarkup WriteIcon(RowMarkup html, string path, string cssClass) => html
        .Tag("<svg").Attribute("class", "mud-icon-root mud-svg-icon mud-icon-size-medium " + cssClass)
        .Tag(" focusable=\"false\" viewBox=\"0 0 24 24\" aria-hidden=\"true\" role=\"img\"><path d=\"M0 0h24v24H0z\" fill=\"none\"></path><path")
        .Attribute("d", path).Tag("></path></svg>");

    /// <summary>A text field (MudTextField, or MudNumericField without spin buttons when <paramref name="number"/>) named
    /// <paramref name="name"/> in its form; the label floats while it has a value or the focus.</summary>
    public static MarkupString TextField(string id, string name, string label, string? value, string? hint = null, bool number = false)
    {
        var html = new RowMarkup(1024)
            .Tag("<div").Attribute("class", "mud-input-control mud-input-text-with-label mud-input-input-control mud-input-sizing-fixed" + (number ? " mud-input-number-control mud-input-nospin" : ""))
            .Tag("><div class=\"mud-input-control-input-container\"><div")
            .Attribute("class", "mud-input mud-input-text mud-input-text-with-label mud-input-underline mud-typography-subtitle1 mud-input-sizing-fixed" + (string.IsNullOrEmpty(value) ? "" : " mud-shrink"))
            .Tag("><input class=\"mud-input-slot mud-input-root mud-input-root-text\"").Attribute("id", id).Attribute("name", name)
            .Tag(" type=\"text\"").Attribute("inputmode", number ? "decimal" : "text").Attribute("value", value)
            .Tag(" autocomplete=\"off\" data-live=\"text\"").Attribute("aria-describedby", hint is null ? null : id + "-helper-text")
            .Tag(" /></div>\n                <label class=\"mud-input-label mud-input-label-animated mud-input-label-text mud-input-label-inputcontrol\"")
            .Attribute("for", id).Tag(">").Text(label).Tag("</label></div>");
        if (hint is not null)
        {
            html.Tag("<div class=\"mud-input-control-helper-container\"><div class=\"d-flex mud-input-helper-text\"><div class=\"me-auto\"")
                .Attribute("id", id + "-helper-text").Tag(">").Text(hint).Tag("</div></div></div>");
        }

        return html.Tag("</div>").ToMarkup();
    }

    /// <summary>A select (MudSelect's look, a native <c>select</c> inside) named <paramref name="name"/>; an empty first
    /// choice when <paramref name="clearable"/>. <paramref name="form"/> ties it to a form it does not sit in; the script
    /// leaves <paramref name="defaultValue"/> out of the address, as the blank choice.</summary>
    public static MarkupString Select(string id, string? name, string label, string? value, IEnumerable<KeyValuePair<string, string>> choices,
        bool clearable = true, bool outlined = false, string? form = null, string? cssClass = null, string? defaultValue = null) =>
        WriteSelect(new RowMarkup(2048), id, name, label, value, choices, clearable, outlined, form, cssClass, defaultValue).ToMarkup();

    private static RowMarkup WriteSelect(RowMarkup html, string id, string? name, string label, string? value, IEnumerable<KeyValuePair<string, string>> choices,
        bool clearable, bool outlined, string? form, string? cssClass, string? defaultValue)
    {
        html.Tag("<div").Attribute("class", "mud-select " + cssClass)
            .Tag("><div").Attribute("class", "mud-input-control mud-select " + (outlined ? "mud-input-outlined-with-label" : "mud-input-text-with-label"))
            .Tag("><div class=\"mud-input-control-input-container\"><div")
            .Attribute("class", "mud-input mud-input-adorned-end mud-typography-subtitle1 mud-select-input mud-input-sizing-fixed"
                + (outlined ? " mud-input-outlined mud-input-outlined-with-label" : " mud-input-text mud-input-text-with-label mud-input-underline")
                + (string.IsNullOrEmpty(value) ? "" : " mud-shrink"))
            .Tag("><select").Attribute("class", "mud-input-slot mud-input-root mud-input-root-adorned-end mud-select-input static-select " + (outlined ? "mud-input-root-outlined" : "mud-input-root-text"))
            .Attribute("id", id).Attribute("name", name).Attribute("form", form).Tag(" data-live=\"select\"").Attribute("data-default", defaultValue).Tag(">");
        if (clearable)
        {
            html.Tag(string.IsNullOrEmpty(value) ? "<option value selected></option>" : "<option value></option>");
        }

        foreach (var (v, text) in choices)
        {
            html.Tag("<option").Attribute("value", v).Tag(string.Equals(v, value, StringComparison.OrdinalIgnoreCase) ? " selected>" : ">").Text(text).Tag("</option>");
        }

        html.Tag("</select>\n                        <div class=\"mud-input-adornment mud-input-adornment-end\">");
        WriteIcon(html, ArrowDown, "mud-icon-default mud-input-adornment-icon").Tag("</div>");
        if (outlined)
        {
            html.Tag("<fieldset class=\"mud-input-outlined-border\"><legend>").Text(label).Tag("</legend></fieldset>");
        }

        return html.Tag("</div>\n                    <label")
            .Attribute("class", "mud-input-label mud-input-label-animated mud-input-label-inputcontrol " + (outlined ? "mud-input-label-outlined" : "mud-input-label-text"))
            .Attribute("for", id).Tag(">").Text(label).Tag("</label></div></div></div>");
    }

    /// <summary>The data grid's pager: first, previous, next and last page as links, "x–y of N", and the page size as a
    /// select of the form <paramref name="form"/> (named <paramref name="pageSizeName"/>, or none when null).</summary>
    /// <param name="page">1-based page shown.</param>
    /// <param name="href">The address of a page (1-based) at the same page size.</param>
    public static MarkupString Pager(string id, int page, int pageSize, int total, Func<int, string> href, string form, string? pageSizeName, IReadOnlyList<int> pageSizes, int defaultPageSize)
    {
        ArgumentNullException.ThrowIfNull(href);
        var html = new RowMarkup(4096)
            .Tag("<div class=\"mud-table-pagination\"").Attribute("id", id)
            .Tag("><div role=\"toolbar\" class=\"mud-toolbar mud-toolbar-gutters mud-table-pagination-toolbar\"><div class=\"mud-table-pagination-spacer\"></div>");
        if (pageSizeName is not null)
        {
            html.Tag("<p").Attribute("id", id + "-size-label").Tag(" class=\"mud-typography mud-typography-body2 mud-table-pagination-caption\">Rows per page:</p>");
            WriteSelect(html, id + "-size", pageSizeName, "", pageSize.ToString(CultureInfo.InvariantCulture),
                pageSizes.Select(s => KeyValuePair.Create(s.ToString(CultureInfo.InvariantCulture), s.ToString(CultureInfo.InvariantCulture))),
                clearable: false, outlined: false, form: form, cssClass: "mud-table-pagination-select mud-table-pagination-select-static",
                defaultValue: defaultPageSize.ToString(CultureInfo.InvariantCulture));
        }

        var last = LastPage(pageSize, total);
        html.Tag("<p translate=\"no\" class=\"mud-typography mud-typography-body2 mud-table-pagination-caption pager-range\">").Text(Range(page, pageSize, total))
            .Tag("</p>\n                <div class=\"mud-table-pagination-actions\">");
        WritePagerLink(html, "First page", "pager-first", page > 1 ? href(1) : null, "M18.41 16.59L13.82 12l4.59-4.59L17 6l-6 6 6 6zM6 6h2v12H6z").Tag("\n                    ");
        WritePagerLink(html, "Previous page", "pager-previous", page > 1 ? href(page - 1) : null, "M15.41 7.41L14 6l-6 6 6 6 1.41-1.41L10.83 12z").Tag("\n                    ");
        WritePagerLink(html, "Next page", "pager-next", page < last ? href(page + 1) : null, "M10 6L8.59 7.41 13.17 12l-4.58 4.59L10 18l6-6z").Tag("\n                    ");
        WritePagerLink(html, "Last page", "pager-last", page < last ? href(last) : null, "M5.59 7.41L10.18 12l-4.59 4.59L7 18l6-6-6-6zM16 6h2v12h-2z");
        return html.Tag("</div></div></div>").ToMarkup();
    }

    private static RowMarkup WritePagerLink(RowMarkup html, string label, string cssClass, string? href, string icon)
    {
        html.Tag("<a").Attribute("class", "mud-button-root mud-icon-button mud-ripple mud-ripple-icon mud-flip-x-rtl " + cssClass + (href is null ? " mud-disabled" : ""))
            .Attribute("aria-label", label).Attribute("title", label).Attribute("href", href).Attribute("aria-disabled", href is null ? "true" : null)
            .Tag("><span class=\"mud-icon-button-label\">");
        return WriteIcon(html, icon, "").Tag("</span></a>");
    }

    /// <summary>The last page (1-based; 1 when nothing matches).</summary>
    public static int LastPage(int pageSize, int total) => Math.Max(1, (total + pageSize - 1) / pageSize);

    /// <summary>"26–50 of 120", as the grid's pager says it.</summary>
    public static string Range(int page, int pageSize, int total) => total == 0
        ? "0-0 of 0"
        : string.Create(CultureInfo.InvariantCulture, $"{(page - 1) * pageSize + 1}-{Math.Min(page * pageSize, total)} of {total}");
}
