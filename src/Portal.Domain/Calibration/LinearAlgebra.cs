namespace Portal.Domain.Calibration;

/// <summary>Small dense least-squares helpers for the calibration fits.</summary>
internal static class LeastSquares
{
    /// <summary>Ordinary least squares y = X β via the normal equations (Gaussian elimination with partial pivoting). Returns null if singular.</summary>
    public static double[]? Solve(double[,] xtx, double[] xty)
    {
        var n = xty.Length;
        var a = (double[,])xtx.Clone();
        var b = (double[])xty.Clone();
        for (var c = 0; c < n; c++)
        {
            var piv = c;
            for (var r = c + 1; r < n; r++) if (Math.Abs(a[r, c]) > Math.Abs(a[piv, c])) piv = r;
            if (Math.Abs(a[piv, c]) < 1e-300) return null;
            if (piv != c)
            {
                for (var k = 0; k < n; k++) (a[c, k], a[piv, k]) = (a[piv, k], a[c, k]);
                (b[c], b[piv]) = (b[piv], b[c]);
            }
            for (var r = c + 1; r < n; r++)
            {
                var f = a[r, c] / a[c, c];
                if (f == 0) continue;
                for (var k = c; k < n; k++) a[r, k] -= f * a[c, k];
                b[r] -= f * b[c];
            }
        }
        var x = new double[n];
        for (var r = n - 1; r >= 0; r--)
        {
            var s = b[r];
            for (var k = r + 1; k < n; k++) s -= a[r, k] * x[k];
            x[r] = s / a[r, r];
        }
        return x.All(double.IsFinite) ? x : null;
    }

    /// <summary>Simple regression y = a + b x. Returns (a, b, R², residual standard deviation).</summary>
    public static (double A, double B, double R2, double ResidualSd)? Line(ReadOnlySpan<double> x, ReadOnlySpan<double> y)
    {
        var n = x.Length;
        if (n < 3) return null;
        double mx = 0, my = 0;
        for (var i = 0; i < n; i++) { mx += x[i]; my += y[i]; }
        mx /= n; my /= n;
        double sxx = 0, sxy = 0, syy = 0;
        for (var i = 0; i < n; i++)
        {
            var dx = x[i] - mx; var dy = y[i] - my;
            sxx += dx * dx; sxy += dx * dy; syy += dy * dy;
        }
        if (sxx <= 0) return null;
        var b = sxy / sxx;
        var a = my - b * mx;
        var ssr = Math.Max(0, syy - b * sxy);
        var r2 = syy > 0 ? 1 - ssr / syy : 0;
        return (a, b, r2, Math.Sqrt(ssr / (n - 2)));
    }

    public static double RSquared(ReadOnlySpan<double> y, ReadOnlySpan<double> fitted)
    {
        double m = 0;
        foreach (var v in y) m += v;
        m /= y.Length;
        double ssr = 0, sst = 0;
        for (var i = 0; i < y.Length; i++) { ssr += (y[i] - fitted[i]) * (y[i] - fitted[i]); sst += (y[i] - m) * (y[i] - m); }
        return sst > 0 ? 1 - ssr / sst : 0;
    }
}
