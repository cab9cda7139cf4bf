using Portal.Web.Features.MapElites;

namespace Portal.Web.Tests.MapElites;

/// <summary>The archive page's progress line counts what the archive holds: whole generations merged and, for a search
/// cancelled while a generation was under way, the candidates its finished shards added to the kept archive.</summary>
public sealed class MapElitesProgressTests
{
    [Fact]
    public void A_finished_search_counts_its_generations_and_candidates()
    {
        Assert.Equal("4 of 4 generations merged (1,000 candidates)", MapElitesDetail.Progress(1000, 4, 4, 250, 1000));
        // The last generation may be short: the count never exceeds the candidates submitted.
        Assert.Equal("3 of 3 generations merged (900 candidates)", MapElitesDetail.Progress(900, 3, 3, 333, 900));
    }

    [Fact]
    public void A_search_cancelled_mid_generation_counts_the_candidates_its_finished_shards_kept()
    {
        // 1,000 candidates in generations of 250, cancelled after two generations and 83 candidates of the third.
        Assert.Equal("2 of 4 generations merged (500 candidates, 83 more from generation 3)", MapElitesDetail.Progress(1000, 2, 4, 250, 583));
        // Nothing beyond the merged generations: no second clause.
        Assert.Equal("2 of 4 generations merged (500 candidates)", MapElitesDetail.Progress(1000, 2, 4, 250, 500));
        // Nothing recorded yet.
        Assert.Equal("0 of 4 generations merged (0 candidates)", MapElitesDetail.Progress(1000, 0, 4, 250, 0));
    }
}
