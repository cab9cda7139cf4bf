using Portal.Domain.Backtesting;
using Portal.Domain.Scenarios;
using Portal.Domain.Studies;

namespace Portal.Domain.Tests.Studies;

public class StudySpecTests
{
    private static StudySpec Grid(StudyAxes axes, IReadOnlyList<string>? strategies = null) => new()
    {
        Name = "grid",
        Scenario = ScenarioPresets.Demo() with { Episodes = 200, Seed = 42 },
        Axes = axes,
        Strategies = strategies ?? ["twap", "vwap", "ac"],
    };

    [Fact]
    public void Expansion_is_the_cartesian_product_with_lambda_fastest()
    {
        var spec = Grid(new StudyAxes { SizePctAdv = [1, 5], Regime = ["normal", "volatile", "calm"], RiskAversion = [0, 1e-6] });
        var cells = spec.Expand();
        Assert.Equal(12, cells.Count);
        Assert.Equal(Enumerable.Range(0, 12), cells.Select(c => c.Coordinates.Index));
        Assert.Equal([0, 1e-6, 0, 1e-6], cells.Take(4).Select(c => c.Coordinates.RiskAversion));
        Assert.Equal(["normal", "normal", "volatile", "volatile"], cells.Take(4).Select(c => c.Coordinates.Regime));
        Assert.All(cells.Take(6), c => Assert.Equal(1, c.Coordinates.SizePctAdv));
        Assert.All(cells.Skip(6), c => Assert.Equal(5, c.Coordinates.SizePctAdv));
        // Every combination exactly once.
        Assert.Equal(12, cells.Select(c => (c.Coordinates.SizePctAdv, c.Coordinates.Regime, c.Coordinates.RiskAversion)).Distinct().Count());
    }

    [Fact]
    public void Each_cell_scenario_carries_its_coordinates_and_the_common_seed()
    {
        var spec = Grid(new StudyAxes { HorizonMinutes = [30, 120], Regime = ["volatile"], ImpactModel = ["almgren-chriss", "square-root"], RiskAversion = [1e-5] });
        var cells = spec.Expand();
        Assert.Equal(4, cells.Count);
        foreach (var cell in cells)
        {
            var s = cell.Scenario;
            Assert.Equal(42, s.Seed);
            Assert.Equal(200, s.Episodes);
            Assert.Equal(cell.Coordinates.HorizonMinutes, s.Order.HorizonMinutes);
            Assert.Equal(spec.Scenario.Order.Steps, s.Order.Steps);
            Assert.Equal(cell.Coordinates.ImpactModel, s.Market.Impact.Model);
            Assert.Equal("volatile", s.Market.Regime);
            Assert.Equal(RegimePresets.Apply(s.Market, "volatile").DailyVolatility, s.Market.DailyVolatility);
            Assert.Equal(0.04, s.Market.DailyVolatility);
            Assert.Equal(1e-5, s.StrategySettings.RiskAversion);
            Assert.Equal(["twap", "vwap", "ac"], s.Strategies);
            Assert.StartsWith("grid · ", s.Name, StringComparison.Ordinal);
            Assert.Empty(s.Validate());
        }
    }

    [Fact]
    public void An_empty_axis_keeps_the_base_value_and_the_base_impact_coefficients()
    {
        var baseScenario = ScenarioPresets.AlmgrenChriss2000();
        var spec = new StudySpec { Name = "λ", Scenario = baseScenario, Axes = new StudyAxes { RiskAversion = [0, 1e-6, 1e-5] } };
        var cells = spec.Expand();
        Assert.Equal(3, cells.Count);
        Assert.All(cells, c => Assert.Equal(baseScenario.Market.Impact, c.Scenario.Market.Impact));
        Assert.All(cells, c => Assert.Equal(baseScenario.Market.DailyVolatility, c.Scenario.Market.DailyVolatility));
        Assert.All(cells, c => Assert.Equal(baseScenario.Order, c.Scenario.Order));
        Assert.Single(spec.VaryingAxes());
        Assert.Equal(StudyAxisNames.RiskAversion, spec.VaryingAxes()[0].Axis);
    }

    [Fact]
    public void Expansion_is_deterministic_through_json()
    {
        var spec = Grid(new StudyAxes { SizePctAdv = [1, 5, 10], HorizonMinutes = [30, 60, 120] });
        var again = StudyJson.Parse(StudyJson.Serialize(spec));
        Assert.Equal(spec.Expand().Select(c => ScenarioJson.Serialize(c.Scenario)), again.Expand().Select(c => ScenarioJson.Serialize(c.Scenario)));
    }

    [Fact]
    public void A_grid_of_twenty_values_on_one_axis_within_the_cell_limit_is_accepted()
    {
        double[] twenty = [.. Enumerable.Range(1, 20).Select(i => (double)i)];
        var spec = Grid(new StudyAxes { SizePctAdv = twenty, HorizonMinutes = [30, 60, 90], RiskAversion = [0, 1e-6, 1e-5] });
        Assert.Empty(spec.Validate());
        Assert.Equal(180, spec.Expand().Count);
    }

    [Fact]
    public void A_grid_over_the_cell_limit_is_refused()
    {
        double[] twenty = [.. Enumerable.Range(1, 20).Select(i => (double)i)];
        var spec = Grid(new StudyAxes { SizePctAdv = twenty, HorizonMinutes = [.. twenty.Select(t => t * 10)], RiskAversion = [0, 1e-6] });
        Assert.Equal(800, spec.CellCount);
        var error = Assert.Single(spec.Validate());
        Assert.Equal("axes", error.Field);
        Assert.Contains("800 cells, at most 400", error.Message, StringComparison.Ordinal);
        Assert.Throws<ScenarioValidationException>(() => spec.Expand());
    }

    [Fact]
    public void An_axis_over_twenty_values_is_refused_naming_the_axis()
    {
        var spec = Grid(new StudyAxes { RiskAversion = [.. Enumerable.Range(0, 21).Select(i => i * 1e-7)] });
        var error = Assert.Single(spec.Validate());
        Assert.Equal("axes.riskAversion", error.Field);
        Assert.Contains("21 values, at most 20", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bad_values_are_named_by_axis_and_position()
    {
        var spec = Grid(new StudyAxes { SizePctAdv = [5, -1], Regime = ["normal", "stormy"], ImpactModel = ["linear"], RiskAversion = [2], HorizonMinutes = [60, 60] }, ["twap", "agent:x"]);
        var fields = spec.Validate().Select(e => e.Field).ToList();
        Assert.Equal(["axes.sizePctAdv[1]", "axes.horizonMinutes[1]", "axes.regime[1]", "axes.impactModel[0]", "axes.riskAversion[0]", "strategies[1]"], fields);
        Assert.Contains(spec.Validate(), e => e.Field == "axes.regime[1]" && e.Message.Contains("'stormy'", StringComparison.Ordinal) && e.Message.Contains("volatile", StringComparison.Ordinal));
        Assert.Contains(spec.Validate(), e => e.Field == "axes.horizonMinutes[1]" && e.Message.Contains("twice", StringComparison.Ordinal));
    }

    [Fact]
    public void A_cell_whose_scenario_is_invalid_is_named_with_its_coordinates()
    {
        // 12 steps need a horizon of at least 12 seconds: 0.1 minute is too short for the base scenario's steps.
        var spec = Grid(new StudyAxes { HorizonMinutes = [60, 0.1] });
        var error = Assert.Single(spec.Validate());
        Assert.Equal("cells[1]", error.Field);
        Assert.Contains("0.1 min", error.Message, StringComparison.Ordinal);
        Assert.Contains("order.steps", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_replay_scenario_cannot_be_swept()
    {
        var spec = Grid(new StudyAxes()) with { Scenario = ScenarioPresets.Demo() with { Replay = new ReplaySpec { DatasetId = Guid.NewGuid() } } };
        Assert.Contains(spec.Validate(), e => e.Field == "scenario.replay");
    }

    [Fact]
    public void Json_errors_name_the_field()
    {
        string scenario = ScenarioJson.Serialize(ScenarioPresets.Demo());
        var e = Assert.Throws<ScenarioValidationException>(() => StudyJson.Parse("""{"name":"s","scenario":""" + scenario + ""","axes":{"size":[1]}}"""));
        Assert.Equal("axes.size", e.Errors[0].Field);
        e = Assert.Throws<ScenarioValidationException>(() => StudyJson.Parse("""{"name":"s","scenario":""" + scenario + ""","axes":{"sizePctAdv":[1,"x"]}}"""));
        Assert.Equal("axes.sizePctAdv[1]", e.Errors[0].Field);
        e = Assert.Throws<ScenarioValidationException>(() => StudyJson.Parse("""{"name":"s","axes":{}}"""));
        Assert.Equal("scenario", e.Errors[0].Field);
        e = Assert.Throws<ScenarioValidationException>(() => StudyJson.Parse("""{"name":"s","scenario":""" + scenario.Replace("\"steps\": 12", "\"steps\": -3", StringComparison.Ordinal) + "}"));
        Assert.Equal("scenario.order.steps", e.Errors[0].Field);
    }
}

public class EfficientFrontierTests
{
    [Fact]
    public void Lambda_zero_is_the_linear_schedule_with_its_closed_form_variance()
    {
        var s = ScenarioPresets.AlmgrenChriss2000();
        var point = Assert.Single(EfficientFrontier.AlmgrenChriss(s, [0])!);
        int n = s.Order.Steps;
        double x = s.Quantity, sigma = s.Market.DailyVolatility * s.Market.ArrivalPrice, t = s.HorizonDays;
        // Σ_(k=1..N) τ·(X(1 − k/N))² = X²·T·(N − 1)(2N − 1)/(6N²)
        double variance = sigma * sigma * x * x * t * (n - 1) * (2.0 * n - 1) / (6.0 * n * n);
        double notional = x * s.Market.ArrivalPrice;
        Assert.Equal(Math.Sqrt(variance) / notional * 1e4, point.StdBps, 9);
        // The risk-neutral optimum of the paper's model is the linear schedule (λ = 0).
        var neutral = s with { StrategySettings = s.StrategySettings with { RiskAversion = 0 } };
        Assert.Equal(KnownOptimum.For(neutral)!.Value.ExpectedCost / notional * 1e4, point.MeanBps, 9);
    }

    [Fact]
    public void More_risk_aversion_trades_expected_cost_for_less_risk()
    {
        var s = ScenarioPresets.AlmgrenChriss2000();
        var points = EfficientFrontier.AlmgrenChriss(s, EfficientFrontier.Sweep(0, 1e-5, 12))!;
        Assert.Equal(13, points.Count);
        for (int i = 1; i < points.Count; i++)
        {
            Assert.True(points[i].MeanBps > points[i - 1].MeanBps, $"mean not rising at λ={points[i].RiskAversion}");
            Assert.True(points[i].StdBps < points[i - 1].StdBps, $"std not falling at λ={points[i].RiskAversion}");
        }
    }

    [Fact]
    public void No_frontier_without_the_closed_form()
    {
        var s = ScenarioPresets.Demo();
        Assert.Null(EfficientFrontier.AlmgrenChriss(s with { Market = s.Market with { Impact = new SquareRootImpactSpec() } }, [0, 1e-6]));
        Assert.Null(EfficientFrontier.AlmgrenChriss(s with { Market = RegimePresets.Apply(s.Market, RegimePresets.FlashCrash) }, [0, 1e-6]));
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1e-6)]
    [InlineData(1e-5)]
    public void The_closed_form_matches_the_simulated_mean_within_monte_carlo_error_on_a_zero_spread_zero_fee_demo(double lambda)
    {
        var demo = ScenarioPresets.Demo();
        var s = demo with
        {
            Episodes = 20_000,
            Market = demo.Market with { Spread = new SpreadSpec { MeanBps = 0, MinBps = 0 } },
            Costs = demo.Costs with { FeeBps = 0 },
            Strategies = ["ac"],
            StrategySettings = demo.StrategySettings with { RiskAversion = lambda },
        };

        var point = Assert.Single(EfficientFrontier.AlmgrenChriss(s, [lambda])!);
        var ac = BacktestRunner.Run(s).Strategies.Single(r => r.StrategyId == "ac").Summary;

        double se = ac.StdBps / Math.Sqrt(s.Episodes);
        Assert.True(Math.Abs(ac.MeanBps - point.MeanBps) < 4 * se,
            $"λ={lambda}: simulated {ac.MeanBps:F4} ± {se:F4} bps against closed form {point.MeanBps:F4} bps");
        Assert.Equal(point.StdBps, ac.StdBps, point.StdBps * 0.03);
    }
}
