using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Portal.Data;
using Portal.Web.Tests.Infrastructure;

namespace Portal.Web.Tests.Home;

/// <summary>Every list page, seen by a user with an empty team and by one without a team, says what is empty and links
/// the next step.</summary>
public sealed class EmptyStateTests
{
    /// <summary>Page, the element of its empty state, words it must say, and where its link must lead (an admin of a new,
    /// empty team: no scenarios, runs, datasets or agents).</summary>
    private static readonly (string Path, string Element, string Words, string Next)[] EmptyTeam =
    [
        ("/scenarios", "#scenarios-empty", "No scenarios yet.", "/scenarios/new"),
        ("/runs", "#runs-empty", "No runs yet.", "/scenarios"),
        ("/studies", "#no-studies", "No studies yet. A study sweeps a saved scenario", "/scenarios/new"),
        ("/compare", "#compare-empty", "Nothing to compare yet.", "/runs"),
        ("/leaderboards", "#leaderboard-empty", "No succeeded runs match yet", "/scenarios"),
        ("/datasets", "#datasets-empty", "No market data yet.", "/datasets#upload-panel"),
        ("/agents", "#agents-empty", "No agents yet. An agent trains on a saved scenario", "/scenarios/new"),
        ("/map-elites", "#no-searches", "No archives yet.", "/map-elites#new-search"),
        ("/offline-datasets", "#no-offline-datasets", "No offline datasets yet.", "/scenarios/new"),
    ];

    /// <summary>Pages rendered on the server without a circuit: nothing to wait for.</summary>
    private static readonly HashSet<string> ServerRendered = ["/runs", "/leaderboards"];

    private static async Task OpenAsync(IPage page, string path)
    {
        await page.GotoAsync(path);
        if (!ServerRendered.Contains(path))
        {
            await page.WaitForInteractiveAsync();
        }
    }

    [Fact]
    public async Task Every_list_page_says_what_is_empty_and_links_the_next_step_with_an_empty_team_and_without_a_team()
    {
        await using var server = await PortalServer.StartAsync();
        await using var session = await Browser.OpenAsync(server);
        var page = session.Page;
        const string email = "empty@desk.test";
        var shots = Path.Combine(AppContext.BaseDirectory, "empty-states");
        Directory.CreateDirectory(shots);

        await page.ScriptAsync("empty-states", async step =>
        {
            step("register: a new account gets its own, empty team");
            await page.GotoAsync("/register");
            await page.Locator("#display-name").WaitForAsync();
            await page.FillAsync("#email", email);
            await page.FillAsync("#display-name", "Emma Empty");
            await page.FillAsync("#password", "Empty-Desk-Pass-9");
            await page.ClickAsync("#register");
            await page.WaitForInteractiveAsync();

            foreach (var (path, element, words, next) in EmptyTeam)
            {
                step($"empty team: {path}");
                await OpenAsync(page, path);
                var empty = page.Locator(element);
                await empty.WaitForAsync();
                Assert.Contains(words, await empty.InnerTextAsync(), StringComparison.Ordinal);
                Assert.Equal(next, await empty.Locator("a.empty-next").GetAttributeAsync("href"));
                await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(shots, "team" + path.Replace('/', '-') + ".png"), FullPage = true });
            }

            step("leave every team");
            var factory = server.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>();
            await using (var db = await factory.CreateDbContextAsync())
            {
                var userId = await db.Users.Where(u => u.Email == email).Select(u => u.Id).SingleAsync();
                Assert.Equal(1, await db.TeamMembers.Where(m => m.UserId == userId).ExecuteDeleteAsync());
            }

            foreach (var path in EmptyTeam.Select(p => p.Path))
            {
                step($"no team: {path}");
                await OpenAsync(page, path);
                var notice = page.Locator("#no-team");
                await notice.WaitForAsync();
                Assert.Contains("You are not a member of any team yet", await notice.InnerTextAsync(), StringComparison.Ordinal);
                var link = notice.Locator("#join-team");
                Assert.Equal("Join or create a team", (await link.InnerTextAsync()).Trim());
                Assert.Equal("/teams", await link.GetAttributeAsync("href"));
                await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(shots, "no-team" + path.Replace('/', '-') + ".png"), FullPage = true });
            }

            step("the link leads to where a team is created");
            await page.ClickAsync("#join-team");
            await page.WaitForURLAsync(new System.Text.RegularExpressions.Regex("/teams$"));
            await page.Locator("#no-teams").WaitForAsync();
        });
    }
}
