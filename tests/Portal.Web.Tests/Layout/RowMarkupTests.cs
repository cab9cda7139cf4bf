using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Rendering;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Portal.Web.Components.Shared;

namespace Portal.Web.Tests.Layout;

/// <summary>A list page's row written as one piece of markup reads as the HTML the server renderer writes for the same
/// elements: every value encoded the same way in text and in attribute values, so nothing a user stored can open a tag.</summary>
public sealed class RowMarkupTests
{
    public static TheoryData<string?> Values =>
    [
        "plain",
        "",
        null,
        "<script>alert(\"x\")</script> & 'y' +1",
        "é→ü ⚠ · – ≤5 min 😀",
        "\" onmouseover=\"alert(1)",
        "a\u0000b\tc\r\nd",
        "\ud800 lone surrogate",
    ];

    /// <summary>The elements a row is made of, written by Razor's render-tree builder: a cell with an attribute and text.</summary>
    private sealed class Probe : ComponentBase
    {
        [Parameter]
        public string? Value { get; set; }

        protected override void BuildRenderTree(RenderTreeBuilder builder)
        {
            builder.OpenElement(0, "td");
            builder.AddAttribute(1, "class", "mud-table-cell");
            builder.AddAttribute(2, "title", Value);
            builder.AddMarkupContent(3, "<b>#</b>");
            builder.AddContent(4, Value);
            builder.AddMarkupContent(5, " · ");
            builder.AddContent(6, Value);
            builder.CloseElement();
        }
    }

    [Theory]
    [MemberData(nameof(Values))]
    public async Task A_row_written_as_markup_is_the_html_the_renderer_writes_for_its_elements(string? value)
    {
        await using var services = new ServiceCollection().BuildServiceProvider();
        await using var renderer = new HtmlRenderer(services, NullLoggerFactory.Instance);
        var expected = await renderer.Dispatcher.InvokeAsync(async () =>
            (await renderer.RenderComponentAsync<Probe>(ParameterView.FromDictionary(new Dictionary<string, object?> { [nameof(Probe.Value)] = value })))
            .ToHtmlString());

        var row = new RowMarkup().Tag("<td class=\"mud-table-cell\"").Attribute("title", value).Tag("><b>#</b>").Text(value).Tag(" · ").Text(value).Tag("</td>");

        Assert.Equal(expected, row.ToMarkup().Value);
        if (value?.Contains('<', StringComparison.Ordinal) == true) Assert.DoesNotContain("<script", row.ToString(), StringComparison.Ordinal);
    }
}
