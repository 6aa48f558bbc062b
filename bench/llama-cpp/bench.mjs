// llama.cpp's side of bench/llama-cpp/run.sh: prefill and decode tokens/s of one GGUF file at one thread count,
// through node-llama-cpp's CPU build, with the same prompt token ids and generation length as aiprofiler's run.
// Usage: node bench.mjs <model.gguf> <threads> <prompt tokens> <generated tokens>; prints one JSON line.
import { getLlama } from "node-llama-cpp";

const [model, threads, promptLength, generate] = process.argv.slice(2);
const llama = await getLlama({ gpu: false });
const loaded = await llama.loadModel({ modelPath: model, gpuLayers: 0 });
// The whole prompt in one batch, as aiprofiler's prefill takes it; room for the prompt and every generated token.
const contextSize = Math.max(512, Math.ceil((Number(promptLength) + Number(generate)) / 256) * 256);
const context = await loaded.createContext({ contextSize, threads: Number(threads), batchSize: Math.max(512, Number(promptLength)) });
const sequence = context.getSequence();
// Token ids 1..P: a prompt of known length without a tokenizer (the bench files carry none).
const prompt = Array.from({ length: Number(promptLength) }, (_, i) => 1 + (i % 100));

const prefillStart = performance.now();
await sequence.evaluateWithoutGeneratingNewTokens(prompt);
const prefillSeconds = (performance.now() - prefillStart) / 1000;

let produced = 0;
const decodeStart = performance.now();
for await (const token of sequence.evaluate([prompt.at(-1)], { temperature: 0 })) {
    produced++;
    if (produced >= Number(generate)) {
        break;
    }
}
const decodeSeconds = (performance.now() - decodeStart) / 1000;
console.log(JSON.stringify({
    engine: "llama.cpp", model, threads: Number(threads),
    prefill_tokens_per_second: prompt.length / prefillSeconds,
    decode_tokens_per_second: produced / decodeSeconds,
}));
await context.dispose();
await loaded.dispose();
