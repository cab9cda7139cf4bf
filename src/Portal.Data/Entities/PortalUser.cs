using Microsoft.AspNetCore.Identity;

namespace Portal.Data.Entities;

/// <summary>A person with a local account. Teams are joined through <see cref="TeamMember"/>.</summary>
public sealed class PortalUser : IdentityUser
{
    public string DisplayName { get; set; } = "";

    /// <summary>The team the user works in now; pages, API calls and downloads are scoped to it.</summary>
    public Guid? CurrentTeamId { get; set; }
    public List<TeamMember> Memberships { get; set; } = [];
}
