using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using Portal.Web.Components.Layout;
using Portal.Web.Tests.Components;

namespace Portal.Web.Tests.Layout;

/// <summary>The layout's pieces written as markup once (navigation, theme) against what the MudBlazor components write.</summary>
public sealed class LayoutMarkupTests
{
    private static string[] ActiveLinks(IRenderedComponent<NavMenu> menu) =>
        [.. menu.FindAll("a.mud-nav-link.active").Select(a => a.GetAttribute("href")!)];

    [Theory]
    [InlineData("/", "/")]
    [InlineData("/runs", "/runs")]
    [InlineData("/runs?tag=seeded&sort=-meanCostBps", "/runs")]
    [InlineData("/runs/0b0f8c3e-4a4e-4d1c-9a40-0c1d2e3f4a5b", "/runs")]
    [InlineData("/leaderboards#top", "/leaderboards")]
    [InlineData("/offline-datasets", "/offline-datasets")]
    [InlineData("/runsx", null)]
    [InlineData("/status/404", null)]
    public async Task The_current_page_s_link_alone_is_active_as_NavLink_marks_it(string address, string? active)
    {
        await using var ctx = ScenarioEditorTests.NewContext();
        ctx.SetRendererInfo(new RendererInfo("Static", isInteractive: false));
        ctx.Services.GetRequiredService<NavigationManager>().NavigateTo(address);

        var menu = ctx.Render<NavMenu>();

        Assert.Equal(active is null ? [] : [active], ActiveLinks(menu));
        Assert.Equal(13, menu.FindAll("div.mud-nav-item > a.mud-nav-link svg.mud-nav-link-icon").Count);
        Assert.All(menu.FindAll("a.active"), a => Assert.Equal("page", a.GetAttribute("aria-current")));
        Assert.Equal("_blank", menu.Find("a[href='/api/docs']").GetAttribute("target"));
    }

    [Fact]
    public async Task The_active_link_follows_the_address_once_the_page_is_interactive()
    {
        await using var ctx = ScenarioEditorTests.NewContext();
        ctx.SetRendererInfo(new RendererInfo("Server", isInteractive: true));
        var navigation = ctx.Services.GetRequiredService<NavigationManager>();
        navigation.NavigateTo("/runs");
        var menu = ctx.Render<NavMenu>();
        Assert.Equal(["/runs"], ActiveLinks(menu));

        navigation.NavigateTo("/leaderboards?regime=volatile");

        menu.WaitForAssertion(() => Assert.Equal(["/leaderboards"], ActiveLinks(menu)));
    }

    [Fact]
    public async Task The_server_render_writes_the_theme_provider_s_styles_and_the_interactive_render_uses_the_provider()
    {
        await using var ctx = ScenarioEditorTests.NewContext();
        ctx.SetRendererInfo(new RendererInfo("Static", isInteractive: false));
        var expected = ctx.Render<MudThemeProvider>(p => p.Add(t => t.Theme, PortalTheme.Theme)).Markup;
        Assert.Contains("--mud-palette-primary: rgba(31,78,121,1);", expected, StringComparison.Ordinal);

        var first = ctx.Render<PortalTheme>();
        var second = ctx.Render<PortalTheme>();

        first.MarkupMatches(expected);
        second.MarkupMatches(expected);
        Assert.Empty(first.FindComponents<MudThemeProvider>());

        await using var interactive = ScenarioEditorTests.NewContext();
        interactive.SetRendererInfo(new RendererInfo("Server", isInteractive: true));
        var live = interactive.Render<PortalTheme>();
        Assert.Single(live.FindComponents<MudThemeProvider>());
        live.MarkupMatches(expected);
    }
}
