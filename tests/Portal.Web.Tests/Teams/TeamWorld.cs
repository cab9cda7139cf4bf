using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Application.Teams;
using Portal.Web.Auth;
using Portal.Web.Tests.Infrastructure;

namespace Portal.Web.Tests.Teams;

/// <summary>Creates teams, users and memberships straight in the server's database, for tests that need several of them.</summary>
public static class TeamWorld
{
    public const string Password = "Team-Password-1";

    public static async Task<Guid> CreateTeamAsync(this PortalServer server, string name)
    {
        await using var db = await server.Db();
        var team = new Team { Name = name };
        db.Teams.Add(team);
        await db.SaveChangesAsync();
        return team.Id;
    }

    /// <summary>Creates a user (password <see cref="Password"/>) who is a member of <paramref name="teamId"/> with <paramref name="role"/>, working in it.</summary>
    public static async Task<string> CreateUserAsync(this PortalServer server, string email, Guid teamId, TeamRole role)
    {
        await using var scope = server.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        var user = new PortalUser { UserName = email, Email = email, DisplayName = email.Split('@')[0], CurrentTeamId = teamId };
        var result = await users.CreateAsync(user, Password);
        Assert.True(result.Succeeded, string.Join("; ", result.Errors.Select(e => e.Description)));
        await using var db = await server.Db();
        db.TeamMembers.Add(new TeamMember { TeamId = teamId, UserId = user.Id, Role = role });
        await db.SaveChangesAsync();
        return user.Id;
    }

    public static async Task<TeamAccess> AccessAsync(this PortalServer server, string userId)
    {
        await using var db = await server.Db();
        var user = await db.Users.SingleAsync(u => u.Id == userId);
        var m = await db.TeamMembers.Include(x => x.Team).SingleAsync(x => x.UserId == userId && x.TeamId == user.CurrentTeamId);
        return new TeamAccess(m.TeamId, m.Team!.Name, m.Role, userId, user.Email!);
    }

    public static async Task<Guid> DemoTeamIdAsync(this PortalServer server)
    {
        await using var db = await server.Db();
        return await db.Teams.Where(t => t.Name == "Demo desk").Select(t => t.Id).SingleAsync();
    }

    /// <summary>A service of the app built on the app's singletons (e.g. TeamService, TokenService, LeaderboardService).</summary>
    public static T Create<T>(this PortalServer server) => ActivatorUtilities.CreateInstance<T>(server.Services);

    public static Task<PortalDbContext> Db(this PortalServer server) =>
        server.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();

    /// <summary>A succeeded run with stored summaries and episodes: <paramref name="episodes"/>[k] are strategy k's shortfalls.</summary>
    public static async Task<Guid> AddSucceededRunAsync(
        this PortalServer server, Guid teamId, string regime, SizeBucket size, HorizonBucket horizon,
        IReadOnlyList<(string StrategyId, double[] Shortfalls)> episodes, RunStatus status = RunStatus.Succeeded, bool outOfSample = true, DateTime? createdUtc = null, string? scenarioJson = null,
        string impactFamily = "", string marketSource = "", string unitKind = "episode", int? units = null)
    {
        await using var db = await server.Db();
        var run = new Run
        {
            TeamId = teamId, ScenarioName = $"{regime} test", ScenarioJson = scenarioJson ?? $"{{\"run\":\"{Guid.NewGuid()}\"}}", Status = status, Regime = regime, SizeBucket = size,
            HorizonBucket = horizon, ImpactFamily = impactFamily, MarketSource = marketSource, IsOutOfSample = outOfSample, Episodes = episodes[0].Shortfalls.Length, CreatedUtc = createdUtc ?? DateTime.UtcNow,
        };
        run.ScenarioHash = ScenarioFamily.Fingerprint(run.ScenarioJson);
        db.Runs.Add(run);
        for (var k = 0; k < episodes.Count; k++)
        {
            var x = episodes[k].Shortfalls;
            var mean = x.Average();
            var std = Math.Sqrt(x.Sum(v => (v - mean) * (v - mean)) / (x.Length - 1));
            var half = 1.959963984540054 * std / Math.Sqrt(x.Length);
            db.RunStrategyResults.Add(new RunStrategyResult
            {
                RunId = run.Id, Index = k, StrategyId = episodes[k].StrategyId, DisplayName = episodes[k].StrategyId.ToUpperInvariant(),
                Episodes = x.Length, MeanBps = mean, StdBps = std, MeanCiLowBps = mean - half, MeanCiHighBps = mean + half,
                IndependentUnits = units ?? x.Length, UnitKind = unitKind,
            });
            for (var e = 0; e < x.Length; e++)
            {
                db.RunEpisodeResults.Add(new RunEpisodeResult { RunId = run.Id, StrategyIndex = k, Episode = e, ShortfallBps = x[e] });
            }
        }
        await db.SaveChangesAsync();
        return run.Id;
    }
}
