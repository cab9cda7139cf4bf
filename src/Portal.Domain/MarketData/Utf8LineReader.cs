namespace Portal.Domain.MarketData;

/// <summary>
/// Reads UTF-8 lines from a stream into a reusable buffer without allocating per line.
/// Skips a leading byte-order mark and strips a trailing carriage return (CRLF files).
/// </summary>
internal sealed class Utf8LineReader(Stream stream)
{
    private byte[] _buf = new byte[1 << 17];
    private int _start, _end;
    private bool _eof, _first = true;

    /// <summary>Number of lines returned so far (= 1-based number of the current line).</summary>
    public long LineNumber { get; private set; }

    /// <summary>True when the final line had no terminating newline.</summary>
    public bool LastLineUnterminated { get; private set; }

    public bool TryReadLine(out ReadOnlySpan<byte> line)
    {
        while (true)
        {
            var idx = _buf.AsSpan(_start, _end - _start).IndexOf((byte)'\n');
            if (idx >= 0)
            {
                line = Trim(_buf.AsSpan(_start, idx));
                _start += idx + 1;
                LineNumber++;
                return true;
            }
            if (_eof)
            {
                if (_end > _start)
                {
                    line = Trim(_buf.AsSpan(_start, _end - _start));
                    _start = _end;
                    LineNumber++;
                    LastLineUnterminated = true;
                    return true;
                }
                line = default;
                return false;
            }
            Fill();
        }
    }

    private ReadOnlySpan<byte> Trim(Span<byte> s)
    {
        if (_first)
        {
            _first = false;
            if (s.Length >= 3 && s[0] == 0xEF && s[1] == 0xBB && s[2] == 0xBF) s = s[3..];
        }
        return s.Length > 0 && s[^1] == (byte)'\r' ? s[..^1] : s;
    }

    private void Fill()
    {
        if (_start > 0)
        {
            Buffer.BlockCopy(_buf, _start, _buf, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }
        if (_end == _buf.Length) Array.Resize(ref _buf, _buf.Length * 2);
        var n = stream.Read(_buf, _end, _buf.Length - _end);
        if (n == 0) _eof = true;
        else _end += n;
    }
}
