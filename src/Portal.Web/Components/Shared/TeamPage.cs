using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Portal.Web.Auth;

namespace Portal.Web.Components.Shared;

/// <summary>Base for pages that show team data: resolves the caller's team once per page before anything loads.</summary>
public abstract class TeamPage : ComponentBase
{
    [CascadingParameter]
    private Task<AuthenticationState>? AuthenticationState { get; set; }

    [Inject]
    private TeamAccessResolver Resolver { get; set; } = default!;

    [Inject]
    private NavigationManager Navigation { get; set; } = default!;

    /// <summary>The caller's team and role; null when the user belongs to no team.</summary>
    protected TeamAccess? Access { get; private set; }

    /// <summary>Every team the user belongs to (ordered by name, the caller's marked current), read with <see cref="Access"/>.</summary>
    protected IReadOnlyList<TeamView> CallerTeams { get; private set; } = [];

    /// <summary>True once the page has found that what it was asked for is not one of the team's (or does not exist).</summary>
    protected bool IsNotFound { get; private set; }

    /// <summary>Pages about one item named in the URL: a caller without a team gets "not found" like any stranger.</summary>
    protected virtual bool ShowsOneItem => false;

    protected override async Task OnInitializedAsync()
    {
        if (AuthenticationState is not null)
        {
            var state = await AuthenticationState;
            (Access, CallerTeams) = await Resolver.ResolveWithTeamsAsync(state.User);
        }
        if (Access is not null)
        {
            await OnTeamInitializedAsync(Access);
        }
        else if (ShowsOneItem)
        {
            RespondNotFound();
        }
    }

    protected virtual Task OnTeamInitializedAsync(TeamAccess access) => Task.CompletedTask;

    /// <summary>
    /// The item is not the team's or does not exist: the server render answers 404 with the not-found page, the same
    /// status as the API, so neither the status nor the page tells another team's ids from ids that do not exist.
    /// </summary>
    protected void RespondNotFound()
    {
        IsNotFound = true;
        Navigation.NotFound();
    }
}
