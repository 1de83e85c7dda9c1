package io.coxswain.tests.lsp;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import io.coxswain.tests.SharedFiles;

/**
 * The editor setups in language-server/README.md, as written there: the editor tests run these blocks instead of
 * a configuration of their own, so that the documented setup is the tested one.
 */
final class ReadmeSnippets {

    /** The jar path every snippet in the README names; the tests put the built jar's path in its place. */
    static final String JAR_PLACEHOLDER = "/path/to/coxswain-language-server.jar";

    private ReadmeSnippets() {
    }

    static Path readme() {
        return SharedFiles.projectRoot().resolve("language-server/README.md");
    }

    /** The first ```language block after the line that is exactly {@code heading}, with the built jar's path in it. */
    static String withJar(String heading, String language, Path jar) throws IOException {
        String block = block(heading, language);
        if (!block.contains(JAR_PLACEHOLDER)) {
            throw new AssertionError("the " + heading + " snippet in " + readme() + " does not name " + JAR_PLACEHOLDER);
        }
        return block.replace(JAR_PLACEHOLDER, jar.toAbsolutePath().toString());
    }

    static String block(String heading, String language) throws IOException {
        List<String> lines = Files.readAllLines(readme());
        int at = lines.indexOf(heading);
        if (at < 0) {
            throw new AssertionError("no heading '" + heading + "' in " + readme());
        }
        int open = -1;
        for (int i = at + 1; i < lines.size() && open < 0; i++) {
            if (lines.get(i).startsWith("#")) {
                break;
            }
            if (lines.get(i).equals("```" + language)) {
                open = i;
            }
        }
        if (open < 0) {
            throw new AssertionError("no ```" + language + " block under '" + heading + "' in " + readme());
        }
        StringBuilder text = new StringBuilder();
        for (int i = open + 1; i < lines.size(); i++) {
            if (lines.get(i).equals("```")) {
                return text.toString();
            }
            text.append(lines.get(i)).append('\n');
        }
        throw new AssertionError("the ```" + language + " block under '" + heading + "' is not closed in " + readme());
    }
}
