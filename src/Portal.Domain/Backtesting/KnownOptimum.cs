using Portal.Domain.Impact;
using Portal.Domain.Scenarios;
using Portal.Domain.Simulation;

namespace Portal.Domain.Backtesting;

/// <summary>The expected-cost minimum of a scenario when its model has a known one.</summary>
/// <remarks>
/// <para>Almgren–Chriss linear impact with an arithmetic Brownian motion without drift, jumps or events: the risk-neutral
/// optimum over all (even adaptive) strategies is the linear schedule (Almgren and Chriss, 2000, section 2.3, λ = 0), with
/// <c>E = (ε + s/2)X + ½γX² + (η̃/τ)·X²/N</c> plus fees.</para>
/// <para>Obizhaeva–Wang block book under the same conditions: the discrete optimum of Alfonsi, Fruth and Schied (2010), see
/// <see cref="ObizhaevaWang"/>.</para>
/// Both need constant spread and (for liquidity-scaled impact) constant liquidity, and no participation cap. Fees in bps of
/// notional are charged on the expected execution prices of the optimal schedule.
/// <para>With risk aversion λ = strategySettings.riskAversion &gt; 0 the run's objective is E + λ·Var, so the reference is
/// the static schedule minimising it: the Almgren–Chriss trajectory for λ (Almgren and Chriss, 2000, section 3) or, for
/// the block book, the exact quadratic programme of <see cref="BestStaticSchedule"/>; regret is then measured on that
/// objective (see <see cref="StrategySummary.RegretBps"/>).</para>
/// </remarks>
public static class KnownOptimum
{
    /// <summary>Name and expected cost (currency) of the optimum, or null when the scenario's model has no known one.</summary>
    public static (string Name, double ExpectedCost, double[] HoldingsFraction)? For(Scenario scenario)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        var m = scenario.Market;
        bool plainPrice = m.Price.Model == PriceModels.Abm && m.Price.DriftPerDay == 0 && m.Price.JumpIntensityPerDay == 0 && m.Events.Count == 0;
        bool constantSpread = m.Spread.VolatilityBpsPerSqrtDay == 0;
        bool constantLiquidity = !m.Impact.LiquidityScaled || (m.Liquidity.VolatilityPerSqrtDay == 0 && m.Liquidity.ShockIntensityPerDay == 0);
        if (!plainPrice || !constantSpread || !constantLiquidity || scenario.Constraints.MaxParticipationPct is not null) return null;

        int n = scenario.Order.Steps;
        double tau = scenario.StepDays;
        double[] holdings;
        string name;
        double lambda = scenario.StrategySettings.RiskAversion;
        if (lambda > 0 && m.Impact.Model is ImpactModels.AlmgrenChriss or ImpactModels.ObizhaevaWang)
        {
            if (BestStaticSchedule.Exact(scenario) is not { } best) return null;
            string label = m.Impact.Model == ImpactModels.AlmgrenChriss ? "Almgren–Chriss" : "Obizhaeva–Wang";
            return ($"{label} mean-variance optimum ({Portal.Domain.Strategies.ReadableNumber.RiskAversion(lambda)})", best.ExpectedCost, best.HoldingsFraction);
        }

        switch (m.Impact.Model)
        {
            case ImpactModels.AlmgrenChriss:
                holdings = AlmgrenChriss.Holdings(1, 0, scenario.HorizonDays, n);
                name = "Almgren–Chriss risk-neutral optimum (linear schedule)";
                break;
            case ImpactModels.ObizhaevaWang:
                var trades = ObizhaevaWang.OptimalTrades(1, StrategyCatalog.OwResilience(m), tau, n);
                holdings = new double[n + 1];
                holdings[0] = 1;
                for (int k = 0; k < n; k++) holdings[k + 1] = Math.Max(0, holdings[k] - trades[k]);
                holdings[n] = 0;
                name = "Obizhaeva–Wang discrete optimum (Alfonsi–Fruth–Schied)";
                break;
            default:
                return null;
        }

        return (name, ExpectedCost(scenario, holdings), holdings);
    }

    /// <summary>Expected cost (currency) of a deterministic schedule along the noise-free path of a scenario without drift,
    /// jumps or events (the timing term has zero mean for a deterministic schedule). A model whose impact uses the realised
    /// volume is evaluated at the expected volume (exact only without volume noise).</summary>
    public static double ExpectedCost(Scenario scenario, ReadOnlySpan<double> holdingsFraction)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        var model = new MarketModel(scenario);
        double x = model.Quantity;
        double hs = Math.Max(model.SpreadMeanBps, model.SpreadMinBps) * 0.5e-4 * model.S0 + model.Epsilon;
        double perm = 0, cost = 0;
        var states = new double[model.TransientStates];
        for (int k = 0; k < model.Steps; k++)
        {
            double q = (holdingsFraction[k] - holdingsFraction[k + 1]) * x;
            double temp = model.EtaOverTau * q;
            if (model.HasRateTemporary && q > 0) temp += model.RateTemporary[k] * Math.Pow(q, model.RateExponent);
            double size = model.TransientRealizedVolume ? q / model.ExpectedVolume[k] : q;
            double f = model.HasTransient && q > 0 ? model.TransientScale[k] * Math.Pow(size, model.TransientExponent) : 0;
            double carried = 0;
            for (int i = 0; i < states.Length; i++)
            {
                carried += model.TransientCarry[i] * states[i];
                states[i] = model.TransientDecay[i] * states[i] + model.TransientIncrement[i] * f;
            }

            double adverse = perm + model.PermanentOwnShare * model.Gamma * q + carried + model.TransientOwnShare * f + temp + hs;
            cost += q * adverse + q * (model.FeePerShare + model.FeeRate * (model.S0 + model.Sign * adverse));
            perm += model.Gamma * q;
        }

        return cost;
    }
}
