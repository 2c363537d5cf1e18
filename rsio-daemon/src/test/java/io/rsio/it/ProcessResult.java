package io.rsio.it;

/** What a finished command printed and returned. */
record ProcessResult(int exitCode, String stdout, String stderr) {
    @Override
    public String toString() {
        return "exit " + exitCode + "\n--- stdout\n" + stdout + "--- stderr\n" + stderr;
    }
}
