package io.rsio.crsio;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * The terminal's input, with a short wait after a lone Esc. Lanterna decides whether an Esc
 * starts a key sequence (F3 is {@code ESC [ 1 3 ~}) or is the Esc key by waiting in steps of
 * 250 ms, which a PuTTY user feels on every Esc. With Lanterna's wait set to 0, this stream makes
 * its "is more input ready?" question wait up to {@link #ESCAPE_WAIT_MILLIS} once after an Esc
 * byte, like vim's ttimeoutlen: a sequence split over two ssh packets still decodes, and a lone
 * Esc is delivered after that short wait. Esc then a digit typed by hand still works (crsio's own
 * 2 s Esc prefix).
 */
public final class QuickEscapeInput extends FilterInputStream {
    static final long ESCAPE_WAIT_MILLIS = 60;
    private static final int ESC = 0x1b;
    private boolean escLast;

    public QuickEscapeInput(InputStream in) {
        super(in);
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        escLast = b == ESC;
        return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        int n = super.read(buffer, offset, length);
        if (n > 0) {
            escLast = buffer[offset + n - 1] == ESC;
        }
        return n;
    }

    @Override
    public int available() throws IOException {
        int n = super.available();
        if (n > 0 || !escLast) {
            return n;
        }
        escLast = false; // wait once per Esc, not on every poll that follows
        long deadline = System.nanoTime() + ESCAPE_WAIT_MILLIS * 1_000_000;
        while (n == 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            n = super.available();
        }
        return n;
    }
}
