package ledger.access;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * {@code ./run token NAME ROLE[,ROLE...]} and {@code ./run token --revoke NAME}: edits the tokens file, with
 * or without the ledger running (a running ledger takes the change within seconds).
 */
public final class TokenTool {

    private TokenTool() {
    }

    /** Answers the process's exit status. */
    public static int run(Path file, String... args) {
        try {
            if (args.length == 2 && args[0].equals("--revoke")) {
                List<TokensFile.Entry> entries = Files.exists(file) ? new ArrayList<>(TokensFile.read(file)) : new ArrayList<>();
                if (!entries.removeIf(e -> e.name().equals(args[1]))) {
                    System.err.println("token: no token named '" + args[1] + "' in " + file);
                    return 1;
                }
                TokensFile.write(file, entries);
                System.out.println("token: '" + args[1] + "' revoked");
                return 0;
            }
            if (args.length == 2 && !args[0].startsWith("-")) {
                String name = args[0];
                if (!TokensFile.validName(name)) {
                    System.err.println("token: a name is 1 to 64 of a-z 0-9 . _ -");
                    return 2;
                }
                Set<Role> roles = TokensFile.roles(file, args[1]);
                List<TokensFile.Entry> entries = Files.exists(file) ? new ArrayList<>(TokensFile.read(file)) : new ArrayList<>();
                if (entries.stream().anyMatch(e -> e.name().equals(name))) {
                    System.err.println("token: '" + name + "' exists; revoke it first (./run token --revoke " + name + ")");
                    return 1;
                }
                String token = TokensFile.newToken();
                entries.add(new TokensFile.Entry(name, roles, TokensFile.sha256(token)));
                TokensFile.write(file, entries);
                System.out.println(token);
                System.err.println("token: '" + name + "' added with " + String.join(",", roles.stream().map(Role::id).toList())
                        + "; the token above is shown only this once");
                return 0;
            }
            System.err.println("usage: ./run token NAME ROLE[,ROLE...]   (roles: " + TokensFile.known() + ")\n"
                    + "       ./run token --revoke NAME");
            return 2;
        } catch (TokensFile.Invalid e) {
            System.err.println("token: " + e.getMessage());
            return 1;
        }
    }

    public static void main(String[] args) {
        String file = System.getenv("LEDGER_TOKENS_FILE");
        if (file == null || file.isBlank()) {
            String dataDir = System.getenv("DATA_DIR");
            file = (dataDir == null || dataDir.isBlank() ? "./data" : dataDir) + "/tokens.json";
        }
        System.exit(run(Path.of(file), args));
    }
}
