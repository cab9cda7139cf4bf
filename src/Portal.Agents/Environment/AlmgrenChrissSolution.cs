namespace Portal.Agents.Environment;

/// <summary>Closed-form optimal trajectory of the discrete Almgren–Chriss model and the expected cost and variance of any static schedule.</summary>
/// <remarks>
/// Almgren and Chriss (2000): E(x) = ½γX² + εΣ|n_k| + (η̃/τ)Σn_k² (eq. 7) and V(x) = σ²τΣx_k² (eq. 8) with η̃ = η − γτ/2;
/// the minimiser of E + λV is x_j = X·sinh(κ(T − t_j))/sinh(κT) with (2/τ²)(cosh κτ − 1) = λσ²/η̃ (eq. 18–20), and the
/// straight line x_j = X(1 − j/N) when λ = 0.
/// </remarks>
public static class AlmgrenChrissSolution
{
    /// <summary>Optimal holdings x_0 = X, …, x_N = 0 for the parameters' risk aversion.</summary>
    public static double[] OptimalHoldings(AlmgrenChrissParameters p)
    {
        ArgumentNullException.ThrowIfNull(p);
        p.Validated();
        int n = p.Steps;
        var x = new double[n + 1];
        double kappaTilde2 = p.RiskAversion * p.Sigma * p.Sigma / p.EtaTilde;
        if (kappaTilde2 <= 1e-300)
        {
            for (int j = 0; j <= n; j++)
            {
                x[j] = p.Quantity * (1 - (double)j / n);
            }

            return x;
        }

        double tau = p.Tau;
        double kappa = Math.Acosh(kappaTilde2 * tau * tau / 2 + 1) / tau;
        double denominator = Math.Sinh(kappa * p.Horizon);
        for (int j = 0; j <= n; j++)
        {
            x[j] = p.Quantity * Math.Sinh(kappa * (p.Horizon - j * tau)) / denominator;
        }

        x[n] = 0;
        return x;
    }

    /// <summary>Holdings of TWAP (equal trades every step).</summary>
    public static double[] TwapHoldings(AlmgrenChrissParameters p)
    {
        ArgumentNullException.ThrowIfNull(p);
        var x = new double[p.Steps + 1];
        for (int j = 0; j <= p.Steps; j++)
        {
            x[j] = p.Quantity * (1 - (double)j / p.Steps);
        }

        return x;
    }

    /// <summary>Expected implementation shortfall E(x) in currency of a static schedule of holdings.</summary>
    public static double ExpectedCost(AlmgrenChrissParameters p, IReadOnlyList<double> holdings)
    {
        ArgumentNullException.ThrowIfNull(p);
        ArgumentNullException.ThrowIfNull(holdings);
        double sumAbs = 0, sumSq = 0;
        for (int k = 1; k < holdings.Count; k++)
        {
            double n = holdings[k - 1] - holdings[k];
            sumAbs += Math.Abs(n);
            sumSq += n * n;
        }

        return 0.5 * p.Gamma * p.Quantity * p.Quantity + p.Epsilon * sumAbs + p.EtaTilde / p.Tau * sumSq;
    }

    /// <summary>Variance V(x) of the implementation shortfall in currency².</summary>
    public static double Variance(AlmgrenChrissParameters p, IReadOnlyList<double> holdings)
    {
        ArgumentNullException.ThrowIfNull(p);
        ArgumentNullException.ThrowIfNull(holdings);
        double sum = 0;
        for (int k = 1; k < holdings.Count; k++)
        {
            sum += holdings[k] * holdings[k];
        }

        return p.Sigma * p.Sigma * p.Tau * sum;
    }

    /// <summary>Mean–variance objective E + λV in basis points of X·S₀.</summary>
    public static double ObjectiveBps(AlmgrenChrissParameters p, IReadOnlyList<double> holdings) =>
        (ExpectedCost(p, holdings) + p.RiskAversion * Variance(p, holdings)) / p.Notional * 1e4;

    /// <summary>Fraction of the remainder that a static schedule trades at each step (the input a market expects).</summary>
    public static double[] FractionsOfRemaining(IReadOnlyList<double> holdings)
    {
        ArgumentNullException.ThrowIfNull(holdings);
        var f = new double[holdings.Count - 1];
        for (int k = 0; k < f.Length; k++)
        {
            f[k] = holdings[k] > 0 ? (holdings[k] - holdings[k + 1]) / holdings[k] : 1;
        }

        return f;
    }
}
