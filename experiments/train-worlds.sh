# Shared by the run-*.sh scripts (source it): builds the experiment runner and trains every agent on every world over
# SEEDS seeds (default 5), evaluating each on 10,000 episodes of its own evaluation paths beside TWAP, the best static
# schedule and the known optimum (common random numbers).
#
# train_worlds BUILD_DIR "EXTRA TRAIN OPTIONS" "WORLD ..." "AGENT ..." AGENT=STEPS ...
#   BUILD_DIR  where experiments/AgentsCli is built (a script that may run beside another uses its own)
#   WORLD      a file name under experiments/scenarios/ without .json
#   STEPS      training decisions per seed for that agent
# Environment: SEEDS (default 5) training seeds 1..SEEDS; EXPERIMENTS_PREBUILT=1 runs BUILD_DIR as it is (run-all.sh
# builds once, so every world of a run uses the same assemblies whatever happens to the sources meanwhile).
train_worlds() {
  local build_dir=$1 extra=$2 worlds=$3 agent_list=$4
  shift 4
  declare -A steps
  local pair
  for pair in "$@"; do steps[${pair%%=*}]=${pair#*=}; done
  if [[ -z "${EXPERIMENTS_PREBUILT:-}" ]]; then
    # Real copies of our assemblies in BUILD_DIR: a later rebuild of a library (the compiler rewrites obj/*.dll in
    # place) must not change the files of a run still going.
    dotnet build -c Release experiments/AgentsCli -o "$build_dir" -p:CreateHardLinksForCopyFilesToOutputDirectoryIfPossible=false -v q -nologo
  fi
  local scenario agent out
  for scenario in $worlds; do
    for agent in $agent_list; do
      out="experiments/out/${scenario}/${agent}"
      mkdir -p "$out"
      echo "== ${scenario} ${agent} $(date -u +%FT%TZ) $(nproc) cores"
      # shellcheck disable=SC2206 # extra options are words
      local cmd=(dotnet "$build_dir/AgentsCli.dll" train --agent "$agent" --scenario "experiments/scenarios/${scenario}.json" $extra
        --seeds "${SEEDS:-5}" --first-seed 1 --steps "${steps[$agent]}" --eval-episodes 10000 --eval-seed 1 --out "$out")
      echo "${cmd[*]}" > "$out/command.txt"
      # A run that fails (e.g. a libtorch error) is reported and the others go on.
      if ! "${cmd[@]}" 2>&1 | tee "$out/log.txt" | grep -v '^  seed'; then
        echo "== FAILED ${scenario} ${agent} $(date -u +%FT%TZ): see $out/log.txt"
      fi
    done
  done
}
