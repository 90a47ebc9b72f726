#!/usr/bin/env bash
# Builds the libFuzzer targets in Fuzz/ and runs them (see Fuzz/README.md).
#
#   scripts/fuzz.sh [TARGET] [RUNS]      TARGET: recording-line | csv-row | config-text | strategy-toml | kernel-events | all
#   FUZZ_SECONDS=N scripts/fuzz.sh       a time budget per target instead of RUNS
#   FUZZ_SEED=N scripts/fuzz.sh          the same inputs every run (CI's smoke: a
#                                        regression check, not a lottery)
#
# The modules a target needs are built with fuzzer instrumentation into .build-fuzz/
# (apart from the normal build), the driver is linked against their objects, and the
# target runs on a seed corpus made from ../shared/data and the shipped configs. New
# inputs it finds are kept in .build-fuzz/corpus-TARGET for the next run; a crash
# writes .build-fuzz/crash-TARGET-* and the script exits non-zero.
set -euo pipefail
cd "$(dirname "$0")/.."

target=${1:-all}
runs=${2:-2000000}
scratch=.build-fuzz
shared=../shared/data

modules_for() {
    case "$1" in
        recording-line | csv-row) echo "MarketModel Trading Feeds" ;;
        config-text) echo "TUIKit" ;;
        # swift-collections' modules first: the pure core's own modules link against them.
        strategy-toml) echo "InternalCollectionsUtilities ContainersPreview DequeModule MarketModel OrderBook Trading Strategies TOMLGuard TOMLKit" ;;
        kernel-events) echo "InternalCollectionsUtilities ContainersPreview DequeModule HeapModule MarketModel OrderBook Trading Strategies EngineCore Simulation" ;;
        *) echo "fuzz.sh: unknown target '$1' (recording-line, csv-row, config-text, strategy-toml, kernel-events)" >&2; exit 64 ;;
    esac
}

seed_corpus() {
    local name=$1 folder=$scratch/seeds-$1
    rm -rf "$folder"
    mkdir -p "$folder"
    case "$name" in
        recording-line)
            # The first lines of every recording, one line a file: every message kind.
            local file count
            for file in "$shared"/binance/*.gz; do
                count=0
                while IFS= read -r line && [ $count -lt 300 ]; do
                    printf '%s' "$line" > "$folder/$(basename "$file" .gz)-$count"
                    count=$((count + 1))
                done < <(gzip -dc "$file" | head -300)
            done
            ;;
        csv-row)
            # Rows of both kinds and both markets, as data.binance.vision writes them.
            printf '3735683259,61837.63000000,0.02000000,1236.7526,1723161255342,True,True\n' > "$folder/spot-trades"
            printf '3735683260,61837.64000000,0.00100000,61.83764,1723161255400123,false,true\n' > "$folder/spot-trades-us"
            printf 'agg_trade_id,price,quantity,first_trade_id,last_trade_id,transact_time,is_buyer_maker\n2400000001,61800.30,0.150,5266583935,5266583940,1723161256399,true\n' > "$folder/usdm-aggtrades"
            printf '1500000001,2683.80000000,1.25000000,1700000010,1700000012,1723161255399,false,true\n' > "$folder/spot-aggtrades"
            ;;
        config-text)
            cp themes/*.toml keymaps/*.toml "$folder"/ 2>/dev/null || true
            ;;
        strategy-toml)
            cp strategies/*.toml "$folder"/ 2>/dev/null || true
            ;;
        kernel-events)
            # A few fixed walks (one per strategy); the fuzzer grows the rest from coverage.
            local strategy i octal
            for strategy in 0 1 2 3 4 5 6; do
                {
                    printf -v octal '%03o' "$strategy"; printf "\\$octal"
                    for ((i = 1; i < 1500; i++)); do
                        printf -v octal '%03o' $(((i * 37 + strategy * 11) % 256)); printf "\\$octal"
                    done
                } > "$folder/walk-$strategy"
            done
            ;;
    esac
    echo "$folder"
}

build() {
    local name=$1 modules objects=()
    read -r -a modules <<< "$(modules_for "$name")"
    echo "fuzz: building ${modules[*]} with -sanitize=fuzzer" >&2
    local module
    for module in "${modules[@]}"; do
        swift build --scratch-path "$scratch" -Xswiftc -sanitize=fuzzer --target "$module" >&2
    done
    for module in "${modules[@]}"; do
        objects+=("$scratch"/debug/"$module".build/*.swift.o)
    done
    local extra=()
    if [ "$name" = strategy-toml ]; then
        # StrategyFile and RiskTable live in Backtesting, whose other files do I/O: they
        # are compiled into the driver; TOMLKit's C++ core (CTOML) is linked as built.
        extra=(Sources/Backtesting/StrategyFile.swift Sources/Backtesting/RiskTable.swift
            "$scratch"/debug/CTOML.build/Sources/*.o
            -Xcc -fmodule-map-file="$scratch/debug/CTOML.build/module.modulemap" -lstdc++)
    fi
    swiftc -sanitize=fuzzer -parse-as-library -I "$scratch/debug/Modules" \
        "Fuzz/$name.swift" "${extra[@]}" "${objects[@]}" -o "$scratch/fuzz-$name"
}

run() {
    local name=$1 seeds corpus=$scratch/corpus-$1 budget
    build "$name"
    seeds=$(seed_corpus "$name")
    mkdir -p "$corpus"
    if [ -n "${FUZZ_SECONDS:-}" ]; then budget="-max_total_time=$FUZZ_SECONDS"; else budget="-runs=$runs"; fi
    local seed=()
    if [ -n "${FUZZ_SEED:-}" ]; then seed=(-seed="$FUZZ_SEED"); fi
    echo "fuzz: $name ($budget)" >&2
    local log=$scratch/log-$name status=0
    # Swift's own crash reporter would take the trap first and libFuzzer would never
    # save the input: off, so a failure leaves .build-fuzz/crash-TARGET-*.
    SWIFT_BACKTRACE=enable=no "$scratch/fuzz-$name" "$budget" "${seed[@]}" -max_len=4096 -timeout=10 -print_final_stats=1 \
        -artifact_prefix="$scratch/crash-$name-" "$corpus" "$seeds" > "$log" 2>&1 || status=$?
    grep -E "^(Done|stat::number_of_executed_units|stat::peak_rss)" "$log" >&2 || true
    if [ $status -ne 0 ]; then
        # The failure and the input that caused it: enough to reproduce and fix.
        grep -E "runtime failure|Fatal error|precondition|ERROR|Test unit written|SUMMARY|^ +[0-9]+ .* in fuzz-" "$log" | head -20 >&2 || true
        echo "fuzz: $name FAILED (status $status); full log in $log" >&2
        return 1
    fi
}

if [ "$target" = all ]; then
    for name in recording-line csv-row config-text strategy-toml kernel-events; do run "$name"; done
else
    run "$target"
fi
