package io.rsio.crsio;

/**
 * crsio, the curses administration tool, comes with its own issue. Until then this entry point
 * says so plainly instead of pretending to work.
 */
public final class CrsioMain {
    private CrsioMain() {}

    public static void main(String[] args) {
        System.err.println("crsio: the curses tool is not part of this build yet; edit /etc/rscltcfg by hand "
                + "(see docs/CONFIG.md and etc/rscltcfg.sample)");
        System.exit(1);
    }
}
