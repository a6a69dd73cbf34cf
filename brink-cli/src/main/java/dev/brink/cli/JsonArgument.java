package dev.brink.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.brink.core.error.BrinkException;
import dev.brink.core.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Converts an option value that is a JSON object, either inline or {@code @file}, into a {@link JsonNode}. */
final class JsonArgument implements ITypeConverter<JsonNode> {
    @Override
    public JsonNode convert(String value) {
        String text = value;
        if (value.startsWith("@")) {
            Path file = Path.of(value.substring(1));
            try {
                text = Files.readString(file, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new TypeConversionException("cannot read " + file + ": " + e.getMessage());
            }
        }
        try {
            return Json.parseObject(text);
        } catch (BrinkException e) {
            throw new TypeConversionException(e.getMessage());
        }
    }
}
