-- Load-test data for benchmarks/portal-load.sh: 10,000 runs of the demo team over 24 scenario families, four strategies
-- per run on common market noise, 25 episodes each, i.e. 1,000,000 per-episode rows (RunEpisodeResults) and 40,000
-- strategy summaries computed from them. Every 20th run failed; every 50th repeats an earlier run's scenario fingerprint
-- (an identical re-run, which leaderboards count once). psql variables: team, token_hash.
\set ON_ERROR_STOP on
SELECT setseed(0.42);

CREATE TEMP TABLE seed_runs AS
SELECT i,
       gen_random_uuid() AS id,
       (ARRAY['calm', 'normal', 'volatile'])[1 + i % 3] AS regime,
       (i / 3) % 2 AS size_bucket,
       (i / 6) % 2 AS horizon_bucket,
       (ARRAY['almgren-chriss', 'transient'])[1 + (i / 12) % 2] AS impact,
       CASE WHEN i % 20 = 0 THEN 'Failed' ELSE 'Succeeded' END AS status,
       CASE WHEN i % 50 = 0 THEN md5((i - 1)::text) || md5('x' || (i - 1)::text) ELSE md5(i::text) || md5('x' || i::text) END AS hash,
       timestamp '2026-01-01' + (i * interval '37 minutes') AS created,
       (ARRAY['buy', 'sell'])[1 + i % 2] AS side,
       0.5 + (i % 40) * 0.25 AS size_pct,
       15 + (i % 24) * 15 AS horizon_min
FROM generate_series(1, 10000) AS i;

INSERT INTO "Runs" ("Id", "TeamId", "ScenarioName", "ScenarioJson", "Status", "Progress", "CancelRequested", "Attempts",
                    "CreatedBy", "CreatedUtc", "StartedUtc", "FinishedUtc", "Episodes", "Seed", "Warnings", "IsOutOfSample",
                    "Regime", "ImpactFamily", "MarketSource", "SizeBucket", "HorizonBucket", "ScenarioHash", "Name", "Tags",
                    "Side", "SizePctAdv", "HorizonMinutes", "Shards", "ShardsDone", "FailureReason")
SELECT id, :'team'::uuid, 'load ' || regime || ' ' || i,
       -- About the size of a real scenario document, so the runs list reads realistic rows.
       '{"name":"load ' || i || '","order":{"side":"' || side || '","sizePctAdv":' || size_pct || ',"horizonMinutes":' || horizon_min ||
       '},"market":{"regime":"' || regime || '","impact":"' || impact || '"},"padding":"' || repeat(md5(i::text), 24) || '"}',
       status, 1, false, 1, 'demo@executionlab.local', created, created, created + interval '2 minutes', 25, i, '{}', true,
       regime, impact, 'simulated', size_bucket, horizon_bucket, hash, 'load run ' || i,
       CASE WHEN i % 7 = 0 THEN '|load|nightly|' ELSE '|load|' END, side, size_pct, horizon_min,
       0, 0, CASE WHEN status = 'Failed' THEN 'seeded failure' END
FROM seed_runs;

-- Per run and episode one market draw shared by the four strategies (common random numbers), plus each strategy's own noise.
CREATE TEMP TABLE seed_market AS
SELECT r.id, r.regime, e, (random() - 0.5) * 16 AS z
FROM seed_runs r, generate_series(0, 24) AS e;

CREATE TEMP TABLE seed_episodes AS
SELECT m.id AS run_id, s.idx, m.e AS episode, v.x
FROM seed_market m
CROSS JOIN (VALUES (0, 0.0, 0.5), (1, 0.05, 0.5), (2, -0.4, 3.0), (3, 1.5, 1.0)) AS s(idx, offset_bps, noise)
CROSS JOIN LATERAL (SELECT 10 + (CASE m.regime WHEN 'volatile' THEN 4 WHEN 'calm' THEN -3 ELSE 0 END) + s.offset_bps + m.z
                           + (random() - 0.5) * s.noise AS x) AS v;

INSERT INTO "RunStrategyResults" ("RunId", "Index", "StrategyId", "DisplayName", "Episodes", "MeanBps", "StdBps",
                                  "MeanCiLowBps", "MeanCiHighBps", "IndependentUnits", "UnitKind", "Summary")
SELECT e.run_id, e.idx, n.id, n.name, count(*), avg(e.x), stddev_samp(e.x),
       avg(e.x) - 1.959963984540054 * stddev_samp(e.x) / sqrt(count(*)),
       avg(e.x) + 1.959963984540054 * stddev_samp(e.x) / sqrt(count(*)),
       count(*), 'episode',
       -- The per-strategy summary a stored run always carries (the run page and PDF read it).
       json_build_object('p5Bps', percentile_cont(0.05) WITHIN GROUP (ORDER BY e.x),
                         'p50Bps', percentile_cont(0.5) WITHIN GROUP (ORDER BY e.x),
                         'p95Bps', percentile_cont(0.95) WITHIN GROUP (ORDER BY e.x),
                         'cvar95Bps', max(e.x), 'costSharpe', -avg(e.x) / nullif(stddev_samp(e.x), 0),
                         'completion', 1, 'meanShortfallCurrency', avg(e.x) * 100)::text
FROM seed_episodes e
JOIN (VALUES (0, 'twap', 'TWAP'), (1, 'vwap', 'VWAP'), (2, 'ac', 'Almgren–Chriss'), (3, 'pov', 'POV 10%')) AS n(idx, id, name)
  ON n.idx = e.idx
GROUP BY e.run_id, e.idx, n.id, n.name;

INSERT INTO "RunEpisodeResults" ("RunId", "StrategyIndex", "Episode", "ShortfallBps", "ShortfallCurrency", "ArrivalSlippageBps",
                                 "VwapSlippageBps", "SpreadAndFeesBps", "TemporaryImpactBps", "PermanentImpactBps", "TimingBps",
                                 "ForcedQuantity", "MaxParticipation")
SELECT run_id, idx, episode, x, x * 50, x, x - 1, 1, x / 2, x / 4, x / 4, 0, 0.05
FROM seed_episodes;

-- The runs list's headline columns, as a finished run stores them.
UPDATE "Runs" AS r
SET "BestStrategyId" = b."StrategyId", "BestStrategyName" = b."DisplayName", "BestMeanBps" = b."MeanBps", "TwapMeanBps" = t."MeanBps"
FROM (SELECT DISTINCT ON ("RunId") "RunId", "StrategyId", "DisplayName", "MeanBps" FROM "RunStrategyResults" ORDER BY "RunId", "MeanBps") AS b,
     "RunStrategyResults" AS t
WHERE b."RunId" = r."Id" AND t."RunId" = r."Id" AND t."Index" = 0 AND r."Status" = 'Succeeded';

INSERT INTO "ApiTokens" ("Id", "TeamId", "UserId", "Name", "Prefix", "Hash", "CreatedUtc")
SELECT gen_random_uuid(), :'team'::uuid, m."UserId", 'load benchmark', 'el_load', :'token_hash', now()
FROM "TeamMembers" m WHERE m."TeamId" = :'team'::uuid ORDER BY m."Role" DESC LIMIT 1;

ANALYZE;
SELECT (SELECT count(*) FROM "Runs") AS runs, (SELECT count(*) FROM "RunEpisodeResults") AS episode_rows,
       (SELECT count(*) FROM "RunStrategyResults") AS strategy_rows;
