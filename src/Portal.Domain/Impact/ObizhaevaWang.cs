namespace Portal.Domain.Impact;

/// <summary>The discrete optimum of the linear block-shaped book with exponential resilience and its cost.</summary>
/// <remarks>Obizhaeva and Wang (2013), "Optimal trading strategy and supply/demand dynamics", J. Financial Markets 16(1);
/// discrete-time optimum from Alfonsi, Fruth and Schied (2010), "Optimal execution strategies in limit order books with general
/// shape functions", Quant. Finance 10(2), section 4 (block shape): with M equally spaced trades and a = e^(−ρτ),
/// the first and last trades are <c>X/((M − 2)(1 − a) + 2)</c> and the others <c>(1 − a)</c> times that. The impact cost of trades
/// ξ is <c>ξᵀKξ/(2q)</c> with <c>K_ij = a^|i−j|</c>, minimised at <c>X²/(q·1ᵀK⁻¹1)·½</c>, where
/// <c>1ᵀK⁻¹1 = (2 + (M − 2)(1 − a))/(1 + a)</c> for this Kac–Murdock–Szegő matrix.</remarks>
public static class ObizhaevaWang
{
    /// <summary>Optimal trade sizes for <paramref name="trades"/> trades spaced <paramref name="tau"/> days apart.</summary>
    public static double[] OptimalTrades(double quantity, double resiliencePerDay, double tau, int trades)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(trades, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(resiliencePerDay);
        var xi = new double[trades];
        if (trades == 1)
        {
            xi[0] = quantity;
            return xi;
        }

        double a = Math.Exp(-resiliencePerDay * tau);
        double end = quantity / ((trades - 2) * (1 - a) + 2);
        for (int k = 0; k < trades; k++) xi[k] = k == 0 || k == trades - 1 ? end : end * (1 - a);
        return xi;
    }

    /// <summary>Impact cost (currency) of trades ξ in the block book of depth q: <c>Σ_k ξ_k(D_k + ξ_k/(2q))</c>.</summary>
    public static double ImpactCost(ReadOnlySpan<double> trades, double depth, double resiliencePerDay, double tau)
    {
        double a = Math.Exp(-resiliencePerDay * tau);
        double d = 0, cost = 0;
        foreach (double x in trades)
        {
            cost += x * (d + x / (2 * depth));
            d = (d + x / depth) * a;
        }

        return cost;
    }

    /// <summary>Closed-form minimum impact cost (currency) over all schedules of <paramref name="trades"/> trades.</summary>
    public static double OptimalCost(double quantity, double depth, double resiliencePerDay, double tau, int trades)
    {
        double a = Math.Exp(-resiliencePerDay * tau);
        double oneKinvOne = (2 + (trades - 2) * (1 - a)) / (1 + a);
        if (trades == 1) oneKinvOne = 1;
        return quantity * quantity / (2 * depth * oneKinvOne);
    }
}
