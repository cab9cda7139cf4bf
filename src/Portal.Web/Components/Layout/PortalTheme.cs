using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Rendering;
using Microsoft.AspNetCore.Components.Web;
using MudBlazor;

namespace Portal.Web.Components.Layout;

/// <summary>
/// The portal's MudBlazor theme and its style sheet. <see cref="MudThemeProvider"/> writes about 12 kB of CSS variables,
/// converting every palette colour, on every render, i.e. on every page request; the theme never changes, so the server
/// render writes the same style elements from one rendering of the provider kept for the process. The interactive render
/// uses the provider itself (it also follows the browser's light or dark preference there).
/// </summary>
public sealed class PortalTheme : ComponentBase
{
    /// <summary>The theme of every page.</summary>
    public static readonly MudTheme Theme = new()
    {
        PaletteLight = new PaletteLight { Primary = "#1f4e79", Secondary = "#2e7d32", AppbarBackground = "#1f4e79" },
        Typography = new Typography { Default = new DefaultTypography { FontFamily = ["system-ui", "Segoe UI", "Roboto", "Helvetica", "Arial", "sans-serif"] } },
    };

    private static Task<string>? _styles;
    private static readonly Lock StylesLock = new();

    [Inject]
    private IServiceProvider Services { get; set; } = default!;

    [Inject]
    private ILoggerFactory LoggerFactory { get; set; } = default!;

    private string? _markup;

    protected override async Task OnInitializedAsync()
    {
        if (!RendererInfo.IsInteractive)
        {
            _markup = await StylesAsync(Services, LoggerFactory);
        }
    }

    protected override void BuildRenderTree(RenderTreeBuilder builder)
    {
        if (_markup is { } markup)
        {
            builder.AddMarkupContent(0, markup);
        }
        else
        {
            builder.OpenComponent<MudThemeProvider>(1);
            builder.AddComponentParameter(2, nameof(MudThemeProvider.Theme), Theme);
            builder.CloseComponent();
        }
    }

    /// <summary>The provider's style elements for <see cref="Theme"/>, rendered once by a renderer of their own.</summary>
    private static Task<string> StylesAsync(IServiceProvider services, ILoggerFactory loggerFactory)
    {
        lock (StylesLock)
        {
            return _styles ??= RenderAsync(services, loggerFactory);
        }
    }

    private static async Task<string> RenderAsync(IServiceProvider services, ILoggerFactory loggerFactory)
    {
        await using var renderer = new HtmlRenderer(services, loggerFactory);
        return await renderer.Dispatcher.InvokeAsync(async () =>
        {
            var output = await renderer.RenderComponentAsync<MudThemeProvider>(
                ParameterView.FromDictionary(new Dictionary<string, object?> { [nameof(MudThemeProvider.Theme)] = Theme }));
            return output.ToHtmlString();
        });
    }
}
