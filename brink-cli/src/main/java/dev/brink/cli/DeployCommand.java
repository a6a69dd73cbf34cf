package dev.brink.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.brink.core.deployment.DeploymentException;
import dev.brink.core.deployment.DeploymentParser;
import dev.brink.core.json.Json;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code brink hub deploy <device> -m manifest.json}: applies a deployment manifest
 * ({@code {"modulesContent": {"$edgeAgent": ..., "$edgeHub": ..., "<module>": ...}}}, or the az CLI's
 * {@code {"content": {"modulesContent": ...}}}) to one edge device through applyConfigurationContent.
 * The {@code $edgeAgent} part is validated first, with the edge agent's own rules, so a broken manifest is
 * refused here instead of being reported back as 400/412/417 by the device.
 */
@Command(name = "deploy", mixinStandardHelpOptions = true,
        description = "Apply a deployment manifest to an edge device (applyConfigurationContent).")
final class DeployCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "DEVICE", description = "The edge device id.")
    String deviceId;

    @Option(names = {"-m", "--manifest"}, required = true, paramLabel = "FILE", description = "The manifest (JSON).")
    Path manifest;

    @Option(names = "--no-validate", description = "Send the manifest without checking the $edgeAgent part first.")
    boolean noValidate;

    @Mixin
    HubOptions hub;

    @Override
    public void run() {
        ObjectNode content = read(manifest);
        if (content.has("content") && !content.has("modulesContent")) {
            content = (ObjectNode) content.get("content");
        }
        JsonNode modules = content.get("modulesContent");
        if (modules == null || !modules.isObject()) {
            throw new UsageException(manifest + " has no \"modulesContent\" object");
        }
        JsonNode agent = modules.path("$edgeAgent").path("properties.desired");
        if (!noValidate && !agent.isMissingNode()) {
            try {
                DeploymentParser.parse(agent);
            } catch (DeploymentException e) {
                throw new UsageException("invalid $edgeAgent deployment (" + e.status().code() + "): "
                        + e.status().description());
            }
        }
        hub.connect().applyConfigurationContent(deviceId, content);
        PrintWriter out = spec.commandLine().getOut();
        out.println("Applied " + manifest + " to " + deviceId);
        out.flush();
    }

    private static ObjectNode read(Path file) {
        try {
            return Json.parseObject(Files.readString(file));
        } catch (IOException e) {
            throw new UsageException("cannot read " + file + ": " + e.getMessage());
        } catch (RuntimeException e) {
            throw new UsageException(file + " is not a JSON object: " + e.getMessage());
        }
    }
}
