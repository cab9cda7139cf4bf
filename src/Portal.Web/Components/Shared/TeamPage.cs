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

    /// <summary>The caller's team and role; null when the user belongs to no team.</summary>
    protected TeamAccess? Access { get; private set; }

    protected override async Task OnInitializedAsync()
    {
        if (AuthenticationState is not null)
        {
            var state = await AuthenticationState;
            Access = await Resolver.ResolveAsync(state.User);
        }
        if (Access is not null)
        {
            await OnTeamInitializedAsync(Access);
        }
    }

    protected virtual Task OnTeamInitializedAsync(TeamAccess access) => Task.CompletedTask;
}
