package dev.brink.edge.hub.twin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.brink.core.json.Json;
import org.junit.jupiter.api.Test;

class TwinPatchesTest {

    private static ObjectNode json(String text) {
        return Json.parseObject(text.replace('\'', '"'));
    }

    @Test
    void diffListsChangesAndRemovalsAsNullRecursively() {
        ObjectNode from = json("{'a':1,'b':{'x':1,'y':2},'c':'gone','$version':4}");
        ObjectNode to = json("{'a':1,'b':{'x':1,'y':3,'z':[1]},'d':true,'$version':7}");

        assertThat(TwinPatches.diff(from, to)).isEqualTo(json("{'c':null,'b':{'y':3,'z':[1]},'d':true}"));
        assertThat(TwinPatches.apply(TwinPatches.props(from), TwinPatches.diff(from, to)))
                .isEqualTo(TwinPatches.props(to));
        assertThat(TwinPatches.diff(to, to)).isEmpty();
    }

    @Test
    void combineKeepsNullsSoDeletionsPropagate() {
        ObjectNode base = json("{'a':1,'b':{'x':1,'y':2}}");
        ObjectNode first = json("{'a':null,'b':{'x':5}}");
        ObjectNode second = json("{'b':{'y':null},'c':3}");

        ObjectNode combined = TwinPatches.combine(first, second, base);

        assertThat(combined).isEqualTo(json("{'a':null,'b':{'x':5,'y':null},'c':3}"));
        assertThat(TwinPatches.apply(base, combined))
                .isEqualTo(TwinPatches.apply(TwinPatches.apply(base, first), second));
    }

    @Test
    void combineReplacesAnObjectThatTheFirstPatchDeletedInsteadOfResurrectingItsKeys() {
        ObjectNode base = json("{'k':{'old':1,'keep':2}}");
        ObjectNode first = json("{'k':null}");
        ObjectNode second = json("{'k':{'keep':2,'new':3,'n':null}}");

        ObjectNode combined = TwinPatches.combine(first, second, base);

        assertThat(TwinPatches.apply(base, combined)).isEqualTo(json("{'k':{'keep':2,'new':3}}"))
                .isEqualTo(TwinPatches.apply(TwinPatches.apply(base, first), second));
    }

    @Test
    void combineWithoutABaseIsAPlainCumulativeMerge() {
        ObjectNode combined = TwinPatches.combine(null, json("{'a':{'b':null}}"), null);
        combined = TwinPatches.combine(combined, json("{'a':{'c':1},'d':null}"), null);

        assertThat(combined).isEqualTo(json("{'a':{'b':null,'c':1},'d':null}"));
    }
}
