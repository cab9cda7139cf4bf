using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Portal.Application.Common;
using Portal.Application.Teams;
using Portal.Data;
using Portal.Data.Entities;

namespace Portal.Application.Tokens;

/// <summary>A token as lists show it: never the secret, only its first characters.</summary>
public sealed record TokenView(Guid Id, string Name, string Prefix, DateTime CreatedUtc, DateTime? LastUsedUtc, DateTime? RevokedUtc);

/// <summary>A new token: <see cref="Token"/> is shown once and never stored (only its SHA-256 is).</summary>
public sealed record CreatedToken(Guid Id, string Name, string Prefix, string Token);

/// <summary>
/// Personal access tokens for scripts. A token acts as its user in the team that was current when it was created; the
/// user's role in that team is read on every request, so a demoted or removed member's token loses its powers at once.
/// </summary>
public sealed class TokenService(IDbContextFactory<PortalDbContext> dbFactory)
{
    public const int MaxNameLength = 100;
    private const int PrefixLength = 11;

    /// <summary>What every personal access token starts with, so the sign-in handler tells it from other bearer tokens.</summary>
    public const string TokenPrefix = "el_";

    /// <summary>A new secret: the prefix and 24 random bytes in hex.</summary>
    public static string NewToken() => TokenPrefix + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));

    /// <summary>The SHA-256 of a token, the only form stored.</summary>
    public static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    /// <exception cref="UnauthorizedAccessException">The caller is a viewer: viewers do not create tokens.</exception>
    /// <exception cref="ArgumentException">The name is empty or longer than <see cref="MaxNameLength"/>.</exception>
    public async Task<CreatedToken> CreateAsync(TeamAccess access, string name, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(access);
        if (!access.CanRun)
        {
            throw new UnauthorizedAccessException("Viewers cannot create tokens.");
        }
        name = (name ?? "").Trim();
        if (name.Length is 0 or > MaxNameLength)
        {
            throw new ArgumentException($"The token name must have 1 to {MaxNameLength} characters; it has {name.Length}.", nameof(name));
        }
        if (TextRules.HasControlCharacter(name))
        {
            throw new ArgumentException("The token name must not contain control characters.", nameof(name));
        }
        var secret = NewToken();
        var token = new ApiToken
        {
            TeamId = access.TeamId,
            UserId = access.UserId,
            Name = name,
            Prefix = secret[..PrefixLength],
            Hash = Hash(secret),
        };
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        db.ApiTokens.Add(token);
        await db.SaveChangesAsync(ct);
        return new CreatedToken(token.Id, token.Name, token.Prefix, secret);
    }

    /// <summary>The caller's own tokens for the current team, newest first, revoked ones included.</summary>
    public async Task<IReadOnlyList<TokenView>> ListAsync(TeamAccess access, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(access);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.ApiTokens.AsNoTracking()
            .Where(t => t.TeamId == access.TeamId && t.UserId == access.UserId)
            .OrderByDescending(t => t.CreatedUtc)
            .Select(t => new TokenView(t.Id, t.Name, t.Prefix, t.CreatedUtc, t.LastUsedUtc, t.RevokedUtc))
            .ToListAsync(ct);
    }

    /// <summary>Revokes one of the caller's tokens (any role may: giving up access is always allowed).</summary>
    /// <returns>False when the token is not one of the caller's in this team.</returns>
    public async Task<bool> RevokeAsync(TeamAccess access, Guid tokenId, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(access);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var token = await db.ApiTokens.SingleOrDefaultAsync(t => t.Id == tokenId && t.TeamId == access.TeamId && t.UserId == access.UserId, ct);
        if (token is null)
        {
            return false;
        }
        token.RevokedUtc ??= DateTime.UtcNow;
        await db.SaveChangesAsync(ct);
        return true;
    }
}
