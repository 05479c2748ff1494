package org.pipeplan.transformer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TransformerSpecTest {

    private static String error(String text) {
        return assertThrows(IllegalArgumentException.class, () -> TransformerSpec.parse(text)).getMessage();
    }

    @Test
    void readsAGptSpecWithItsDefaults() {
        TransformerSpec s = TransformerSpec.parse("gpt:layers=96,hidden=12288,heads=96,seq=2048,vocab=51200");
        assertEquals(TransformerFamily.GPT, s.family());
        assertEquals(4 * 12288, s.ffn());
        assertEquals(96, s.kvHeads());
        assertTrue(s.tied());
        assertEquals(s, TransformerSpec.parse(s.text()));
    }

    @Test
    void readsALlamaSpecWithItsDefaults() {
        TransformerSpec s = TransformerSpec.parse(" LLaMA : layers=32, hidden=4096, heads=32, kv-heads=8, seq=4096, vocab=32000");
        assertEquals(TransformerFamily.LLAMA, s.family());
        assertEquals(11008, s.ffn()); // 2/3 of 4h rounded up to 256
        assertEquals(8, s.kvHeads());
        assertEquals(1024, s.kvWidth());
        assertFalse(s.tied());
        assertEquals(s, TransformerSpec.parse(s.text()));
    }

    @Test
    void reportsWhatIsWrongWithASpec() {
        assertTrue(error("layers=2,hidden=8").contains("expected FAMILY:KEY=VALUE"));
        assertEquals("unknown model family 'bert' (gpt, llama)", error("bert:layers=2"));
        assertEquals("model spec: 'layers': expected KEY=VALUE", error("gpt:layers"));
        assertTrue(error("gpt:layers=2,hidden=8,heads=2,seq=4,vocab=10,depth=3")
                .startsWith("model spec: unknown key 'depth' (keys: layers, hidden, heads, seq, vocab, ffn, kv-heads, tied)"));
        assertEquals("model spec: key 'layers' given twice", error("gpt:layers=2,layers=3"));
        assertEquals("model spec: missing key 'vocab' (a gpt model needs layers, hidden, heads, seq, vocab)",
                error("gpt:layers=2,hidden=8,heads=2,seq=4"));
        assertEquals("model spec: layers must be a positive whole number, got 'two'",
                error("gpt:layers=two,hidden=8,heads=2,seq=4,vocab=10"));
        assertEquals("model spec: layers must be positive, got 0", error("gpt:layers=0,hidden=8,heads=2,seq=4,vocab=10"));
        assertEquals("model spec: hidden 10 is not divisible by heads 4", error("gpt:layers=2,hidden=10,heads=4,seq=4,vocab=10"));
        assertEquals("model spec: heads 4 is not divisible by kv-heads 3",
                error("llama:layers=2,hidden=8,heads=4,kv-heads=3,seq=4,vocab=10"));
        assertEquals("model spec: tied must be true or false, got 'yes'",
                error("gpt:layers=2,hidden=8,heads=2,seq=4,vocab=10,tied=yes"));
        assertEquals("model spec: hidden 2000000000 is too large for the default ffn; give ffn",
                error("gpt:layers=2,hidden=2000000000,heads=1,seq=4,vocab=10"));
        assertEquals("model spec: layers must be at most 10000, got 10001",
                error("gpt:layers=10001,hidden=8,heads=2,seq=4,vocab=10"));
        assertEquals("model spec: too large: its parameter count does not fit in 64 bits",
                error("gpt:layers=10000,hidden=2000000000,heads=1,ffn=8,seq=4,vocab=10"));
    }
}
