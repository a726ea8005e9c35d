import { measureProbeOverhead, probeOverheadTable } from '/work/wt/observe2/bench/in-process/instrumentation-overhead';
measureProbeOverhead(Number(process.argv[2] ?? 5), Number(process.argv[3] ?? 500)).then((p) => console.log(probeOverheadTable(p)));
