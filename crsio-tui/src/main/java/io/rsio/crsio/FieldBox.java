package io.rsio.crsio;

import com.googlecode.lanterna.TerminalSize;
import com.googlecode.lanterna.gui2.Interactable;
import com.googlecode.lanterna.gui2.TextBox;

/**
 * A one-line text field whose caret goes to the end of the text when the field gets the focus,
 * so Backspace edits what is there (Lanterna leaves the caret where it was, at the start).
 */
public final class FieldBox extends TextBox {
    public FieldBox(int width, String text) {
        super(new TerminalSize(width, 1), text);
    }

    @Override
    protected void afterEnterFocus(Interactable.FocusChangeDirection direction, Interactable previouslyInFocus) {
        super.afterEnterFocus(direction, previouslyInFocus);
        setCaretPosition(getText().length());
    }
}
