using Portal.Agents.Cli;
using Portal.Agents.Environment;
using Portal.Agents.Training;
using Portal.Domain.Scenarios;

namespace Portal.Agents.Tests;

/// <summary>Curriculum training: easier markets first, the target last, recorded in the artifact and the learning curve.</summary>
[Collection(TorchCollection.Name)]
public sealed class CurriculumTests
{
    [Theory]
    [InlineData(0, 2, 0)]
    [InlineData(240, 2, 0)]
    [InlineData(260, 2, 1)]
    [InlineData(499, 2, 1)]
    [InlineData(500, 2, 2)]
    [InlineData(999, 2, 2)]
    [InlineData(100, 0, 0)]
    public void Stage_follows_the_share_of_the_budget_spent(long done, int easyStages, int expected) =>
        Assert.Equal(expected, Curriculum.StageAt(done, 1000, easyStages, share: 0.5));

    [Fact]
    public void Easy_to_hard_scales_size_and_volatility_up_to_the_target()
    {
        var target = MarketSource.For(ScenarioPresets.Demo(), riskAversion: 2e-6);
        var stages = Curriculum.EasyToHard(target, 3);
        Assert.Equal([0.25, 0.5, 0.75], stages.Select(s => s.Scenario!.Order.SizePctAdv / target.Scenario!.Order.SizePctAdv).Select(x => Math.Round(x, 9)));
        Assert.Equal([0.25, 0.5, 0.75], stages.Select(s => s.Scenario!.Market.DailyVolatility / target.Scenario!.Market.DailyVolatility).Select(x => Math.Round(x, 9)));
        Assert.All(stages, s => Assert.Equal(2e-6, s.RiskAversion));
        Assert.All(stages, s => Assert.Equal(target.Steps, s.Steps));

        var ac = Curriculum.EasyToHard(MarketSource.For(TestMarkets.Desk()), 1).Single().AlmgrenChriss!;
        Assert.Equal(TestMarkets.Desk().Quantity / 2, ac.Quantity);
        Assert.Equal(TestMarkets.Desk().Sigma / 2, ac.Sigma);
    }

    [Fact]
    public void Market_switches_stage_at_each_reset_and_rejects_stages_of_another_length()
    {
        int stage = 0;
        var small = new AlmgrenChrissMarket(TestMarkets.Desk() with { Quantity = 1000 }, 4);
        var large = new AlmgrenChrissMarket(TestMarkets.Desk(), 4);
        var market = new CurriculumMarket([small, large], () => stage);
        market.Reset(1);
        Assert.Equal(0, market.ActiveStage);
        market.Step([0.5, 0.5, 0.5, 0.5], new double[4], new double[4]);
        Assert.Equal(500, small.RemainingShares(0), 9);

        stage = 7;
        market.Reset(1);
        Assert.Equal(1, market.ActiveStage);
        Assert.Equal(0, market.StepIndex);

        var error = Assert.Throws<ArgumentException>(() =>
            new CurriculumMarket([small, new AlmgrenChrissMarket(TestMarkets.Desk(steps: 5), 4)], () => 0));
        Assert.Contains("stage 1 has 5 steps", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Request_rejects_a_stage_with_another_number_of_steps_naming_it()
    {
        var request = new TrainRequest
        {
            Algorithm = "qlearning",
            Market = MarketSource.For(TestMarkets.Desk()),
            Curriculum = [MarketSource.For(TestMarkets.Desk()), MarketSource.For(TestMarkets.Desk(steps: 6))],
        };
        var error = Assert.Throws<ArgumentException>(() => request.Validated());
        Assert.Contains("Curriculum[1]", error.Message, StringComparison.Ordinal);

        var share = Assert.Throws<ArgumentOutOfRangeException>(() => (request with { Curriculum = [MarketSource.For(TestMarkets.Desk())], CurriculumShare = 1 }).Validated());
        Assert.Equal(nameof(TrainRequest.CurriculumShare), share.ParamName);
    }

    [Fact]
    public void Training_with_a_curriculum_runs_every_stage_in_order_and_records_it()
    {
        var target = MarketSource.For(TestMarkets.Desk());
        var request = new TrainRequest
        {
            Algorithm = "qlearning",
            Market = target,
            Seeds = [3],
            EnvironmentSteps = 60_000,
            EvaluationEpisodes = 200,
            Curriculum = TrainCommand.ReadCurriculum("auto:2", target),
            CurriculumShare = 0.6,
        };
        var (agent, artifact) = AgentTrainer.TrainOne(request, 3);
        agent.Dispose();

        var stages = artifact.LearningCurve.Select(p => p.Stage).ToArray();
        Assert.Equal([0, 1, 2], stages.Distinct());
        Assert.True(stages.Zip(stages.Skip(1)).All(p => p.First <= p.Second), "stages must never go back");
        long firstTarget = artifact.LearningCurve.First(p => p.Stage == 2).EnvironmentSteps;
        Assert.InRange(firstTarget, 36_000, 40_000);

        // Costs scale with size: the easiest stage (a third of the order, a third of the volatility) is far cheaper.
        double easy = artifact.LearningCurve.Where(p => p.Stage == 0).Average(p => p.MeanShortfallBps);
        double hard = artifact.LearningCurve.Where(p => p.Stage == 2).Average(p => p.MeanShortfallBps);
        Assert.True(easy < 0.6 * hard, $"easy stage {easy} bps vs target {hard} bps");

        Assert.Equal(2, artifact.Curriculum.Count);
        Assert.Equal(0.6, artifact.CurriculumShare);
        var reloaded = AgentArtifact.Load(Save(artifact));
        Assert.Equal(artifact.Curriculum.Select(c => c.AlmgrenChriss!.Quantity), reloaded.Curriculum.Select(c => c.AlmgrenChriss!.Quantity));
        Assert.Equal(stages, reloaded.LearningCurve.Select(p => p.Stage));
    }

    private static MemoryStream Save(AgentArtifact artifact)
    {
        var stream = new MemoryStream();
        artifact.Save(stream);
        stream.Position = 0;
        return stream;
    }
}

/// <summary>The regret target the training summary counts seeds against.</summary>
public sealed class RegretTargetTests
{
    [Fact]
    public void Almgren_chriss_optima_allow_one_percent_or_half_a_bp_and_the_obizhaeva_wang_optimum_two_percent()
    {
        Assert.Equal((0.01, 0.5), AgentTrainer.RegretTargetShare(MarketSource.For(TestMarkets.Desk())));
        Assert.Equal((0.01, 0.5), AgentTrainer.RegretTargetShare(MarketSource.For(ScenarioPresets.Demo(), 1e-6)));
        Assert.Equal((0.02, 0.0), AgentTrainer.RegretTargetShare(MarketSource.For(ScenarioPresets.ObizhaevaWang(), 0)));
    }
}
