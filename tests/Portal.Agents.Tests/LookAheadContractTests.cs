using Portal.Agents.Environment;
using Portal.Domain.Replay;
using Portal.Domain.Scenarios;
using Portal.Domain.Simulation;
using Portal.Domain.Tests.LookAhead;

namespace Portal.Agents.Tests;

/// <summary>
/// The agents' side of the information contract: what an agent sees at step k (its observation) and what it may trade
/// (its participation mask) depend only on what is known at the start of step k. Every market input revealed after the
/// start of step k is changed, on the simulated and on the replayed market, under the same actions; observations and
/// masks at steps ≤ k must stay exactly the same.
/// </summary>
public sealed class LookAheadContractTests
{
    private const int Steps = 6;
    private const int Batch = 8;

    public static TheoryData<string, int> MarketsAndSteps()
    {
        var data = new TheoryData<string, int>();
        foreach (string market in new[] { "scenario", "replay" })
        {
            foreach (int k in new[] { 0, 2, 4 }) data.Add(market, k);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(MarketsAndSteps))]
    public void Observation_and_mask_up_to_step_k_ignore_every_input_revealed_after_it(string kind, int k)
    {
        var (plainObs, plainMask) = Run(Create(kind, k, perturbed: false));
        var (changedObs, changedMask) = Run(Create(kind, k, perturbed: true));
        for (int step = 0; step <= k; step++)
        {
            Assert.Equal(plainObs[step], changedObs[step]);
            Assert.Equal(plainMask[step], changedMask[step]);
        }

        // The perturbation is real: the next observation differs.
        if (k + 1 < Steps) Assert.NotEqual(plainObs[k + 1], changedObs[k + 1]);
    }

    private static Scenario Simulated(int k, bool perturbed) => new()
    {
        Name = "look-ahead",
        Order = new OrderSpec { Side = Side.Sell, SizePctAdv = 5, HorizonMinutes = 30, Steps = Steps },
        Market = new MarketSpec
        {
            Spread = new SpreadSpec { VolatilityBpsPerSqrtDay = 20 },
            Liquidity = new LiquiditySpec { VolatilityPerSqrtDay = 1, ShockIntensityPerDay = 4 },
            Impact = new AlmgrenChrissImpactSpec { LiquidityScaled = true },
            Volume = new VolumeSpec { Noise = 0.4 },
            Events = perturbed
                ? [new MarketEvent { AtFraction = (k + 0.5) / Steps, LatestAtFraction = 1, PriceJumpPct = -5, LiquidityMultiplier = 0.1, SpreadMultiplier = 4 }]
                : [],
        },
        Constraints = new ConstraintSpec { MaxParticipationPct = 20 },
        Episodes = Batch,
        Seed = 9,
    };

    private static Scenario Replayed() => new()
    {
        Name = "look-ahead replay",
        Order = new OrderSpec { Side = Side.Buy, SizePctAdv = 2, HorizonMinutes = 30, Steps = Steps },
        Market = new MarketSpec { DailyVolatility = 0.015 },
        Constraints = new ConstraintSpec { MaxParticipationPct = 20 },
        Episodes = 4,
        Seed = 3,
    };

    private static IExecutionMarket Create(string kind, int k, bool perturbed)
    {
        if (kind == "scenario")
        {
            var market = new ScenarioMarket(Simulated(k, perturbed), Batch, riskAversion: 1e-6);
            if (perturbed) market.Simulation.Perturbation = new MarketPerturbation(k);
            market.Reset(4);
            return market;
        }

        var scenario = Replayed();
        var options = new ReplayOptions { Adv = 2_000_000 };
        var dataset = LookAheadRecordings.Make();
        if (perturbed)
        {
            var windows = ReplayRunner.Windows(scenario, dataset, options);
            var plan = new RecordedMarket(dataset, options).Plan(scenario);
            dataset = LookAheadRecordings.PerturbFrom(dataset, windows, plan.StepNs, k);
        }

        var replay = new ReplayMarket(scenario, dataset, options, Batch, riskAversion: 1e-6);
        replay.Reset(4);
        return replay;
    }

    /// <summary>Observations and masks at every step under the same fixed actions.</summary>
    private static (ExecutionObservation[][] Observations, double[][] Masks) Run(IExecutionMarket market)
    {
        var observations = new ExecutionObservation[Steps][];
        var masks = new double[Steps][];
        var fractions = new double[Batch];
        var cost = new double[Batch];
        var penalty = new double[Batch];
        for (int k = 0; k < Steps; k++)
        {
            observations[k] = Enumerable.Range(0, Batch).Select(market.Observe).ToArray();
            masks[k] = Enumerable.Range(0, Batch).Select(market.MaxFractionOfRemaining).ToArray();
            for (int i = 0; i < Batch; i++) fractions[i] = 0.1 + 0.1 * (i % 3);
            market.Step(fractions, cost, penalty);
        }

        return (observations, masks);
    }
}
