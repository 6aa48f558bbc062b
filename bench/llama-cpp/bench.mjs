// llama.cpp's side of bench/llama-cpp/run.sh: prefill and decode tokens/s of one GGUF file at one thread count,
// through node-llama-cpp's CPU build, with the same prompt token ids and generation length as aiprofiler's run.
// Usage: node bench.mjs <model.gguf> <threads> <prompt tokens> <generated tokens> [sequences]; prints one JSON line.
// With several sequences (aiprofiler's batch=B) each takes the same prompt; their prompts are evaluated together and
// their generations run concurrently, which node-llama-cpp batches into one llama_decode per step (one token of every
// sequence), as aiprofiler's batched decode does; the tokens/s are the sequences' together. (Checked by counting the
// native decodes: 4 sequences, a 16-token prompt and 9 tokens each took 13 calls for 100 tokens, 1 sequence 10 for 25.)
import { getLlama } from "node-llama-cpp";

const [model, threads, promptLength, generate, sequencesArgument] = process.argv.slice(2);
const sequences = Number(sequencesArgument ?? 1);
const llama = await getLlama({ gpu: false });
const loaded = await llama.loadModel({ modelPath: model, gpuLayers: 0 });
// The whole prompt in one batch, as aiprofiler's prefill takes it; room for the prompt and every generated token
// (per sequence: node-llama-cpp gives each sequence its own contextSize of cells).
const contextSize = Math.max(512, Math.ceil((Number(promptLength) + Number(generate)) / 256) * 256);
const context = await loaded.createContext({
    contextSize, threads: Number(threads), sequences, batchSize: Math.max(512, sequences * Number(promptLength)),
});
const all = Array.from({ length: sequences }, () => context.getSequence());
// Token ids 1..P: a prompt of known length without a tokenizer (the bench files carry none).
const prompt = Array.from({ length: Number(promptLength) }, (_, i) => 1 + (i % 100));

const prefillStart = performance.now();
await Promise.all(all.map(sequence => sequence.evaluateWithoutGeneratingNewTokens(prompt)));
const prefillSeconds = (performance.now() - prefillStart) / 1000;

async function generateFrom(sequence) {
    let produced = 0;
    for await (const token of sequence.evaluate([prompt.at(-1)], { temperature: 0 })) {
        produced++;
        if (produced >= Number(generate)) {
            break;
        }
    }

    return produced;
}

const decodeStart = performance.now();
const produced = (await Promise.all(all.map(generateFrom))).reduce((a, b) => a + b, 0);
const decodeSeconds = (performance.now() - decodeStart) / 1000;
console.log(JSON.stringify({
    engine: "llama.cpp", model, threads: Number(threads), sequences,
    prefill_tokens_per_second: sequences * prompt.length / prefillSeconds,
    decode_tokens_per_second: produced / decodeSeconds,
}));
await context.dispose();
await loaded.dispose();
