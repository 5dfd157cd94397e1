#!/usr/bin/env bash
# Runs the benchmark suite and writes its tables (BENCHMARKS.md describes each figure).
#
#   bench/run.sh [quick|full] [FIGURE...]      figures 1-9, default all
#
# quick: tiny scales, one or two repetitions — proves the harness works (CI runs it); it asserts
#        no timings and leaves BENCHMARKS.md alone. Results: bench/target/results-quick/.
# full:  the scales and five repetitions BENCHMARKS.md reports; rewrites its result tables.
#        Takes about an hour on 2 cores; figure 4 starts RabbitMQ and PostgreSQL if needed.
# Scales can be raised with SYSTEM_BENCH_ARGS, e.g. "--files 1000,10000,100000 --tpch 0.1,1".
set -euo pipefail
cd "$(dirname "$0")/.."
. bin/java-home
mode=${1:-quick}
[ $# -gt 0 ] && shift
case "$mode" in quick|full) ;; *) echo "usage: bench/run.sh [quick|full] [FIGURE...]" >&2; exit 2 ;; esac
figures=("$@")
[ ${#figures[@]} -gt 0 ] || figures=(1 2 3 4 5 6 7 8 9)
want() { local f; for f in "${figures[@]}"; do [ "$f" = "$1" ] && return 0; done; return 1; }

out=bench/target/results-$mode
# A run of all figures starts clean; a run of some figures keeps the others' tables.
if [ $# -eq 0 ]; then rm -rf "$out"; fi
mkdir -p "$out"
jar=bench/target/benchmarks.jar
if [ ! -f "$jar" ] || [ ! -f standalone/target/quarkus-app/quarkus-run.jar ] || [ "${RELSPEC_BENCH_BUILD:-0}" = 1 ]; then
  echo "building the benchmarks and the apps..."
  ./mvnw -B -q package -DskipTests -Dspotless.check.skip=true \
    -pl bench,standalone,catalog-service/app,compiler-service/app,scheduler-service/app,executor-service/app -am
fi
heap=$([ "$mode" = full ] && echo 8g || echo 2g)
java=("$JAVA_HOME/bin/java" "-Xmx$heap" --add-opens=java.base/java.nio=ALL-UNNAMED --enable-native-access=ALL-UNNAMED)
if [ "$("$JAVA_HOME/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')" -ge 24 ]; then
  java+=(--sun-misc-unsafe-memory-access=allow)
fi
java+=(-Djava.util.logging.manager=org.jboss.logmanager.LogManager -Drelspec.root="$PWD" -cp "$jar")
started=$SECONDS

{
  echo "Run $(date -u +%Y-%m-%dT%H:%MZ), mode $mode: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB,"
  echo "$("$JAVA_HOME/bin/java" -version 2>&1 | head -n 1), $(uname -sr)."
} >"$out/machine.md"

if want 1; then
  echo "== figure 1: compile + lineage + fingerprint"
  "${java[@]}" io.relspec.bench.CompileBench --mode "$mode" --out "$out/figure-1.md"
fi
if want 2; then
  echo "== figure 2: task graph and incremental planning (JMH)"
  if [ "$mode" = quick ]; then
    jmh=(-p tasks=1000 -f 1 -wi 1 -i 1 -w 200ms -r 200ms)
  else
    jmh=(-prof gc)
  fi
  "${java[@]}" org.openjdk.jmh.Main TaskGraphBench "${jmh[@]}" -rf json -rff "$out/jmh-task-graph.json"
  "${java[@]}" io.relspec.bench.report.Report jmh "$out/jmh-task-graph.json" "$out/figure-2.md"
fi
system=()
for f in 3 5 7 8 9; do want $f && system+=("$f"); done
if [ ${#system[@]} -gt 0 ]; then
  echo "== figures ${system[*]}: standalone end to end"
  # shellcheck disable=SC2086
  "${java[@]}" io.relspec.bench.system.SystemBench --mode "$mode" --deployment standalone \
    --figures "$(IFS=,; echo "${system[*]}")" --out "$out" ${SYSTEM_BENCH_ARGS:-}
fi
if want 4; then
  echo "== figure 4 (and 5, distributed): the distributed suite on this machine"
  # shellcheck disable=SC2086
  "${java[@]}" io.relspec.bench.system.SystemBench --mode "$mode" --deployment distributed \
    --figures 4,5 --out "$out" ${SYSTEM_BENCH_ARGS:-}
fi
if want 6; then
  echo "== figure 6: Flight DoGet / DoPut"
  if [ "$mode" = quick ]; then rows=200000 reps=2; else rows=10000000 reps=5; fi
  "${java[@]}" io.relspec.bench.ExecutorBench "$rows" "$reps" "$out/figure-6.md"
fi

if [ "$mode" = full ]; then
  "${java[@]}" io.relspec.bench.report.Report update BENCHMARKS.md "$out"
  echo "BENCHMARKS.md updated from $out"
fi
echo "bench/run.sh $mode finished in $((SECONDS - started)) s; tables in $out"
