package io.rsio.crsio.screens;

import com.googlecode.lanterna.gui2.ActionListBox;
import com.googlecode.lanterna.gui2.BorderLayout;
import com.googlecode.lanterna.gui2.Component;
import com.googlecode.lanterna.gui2.Label;
import com.googlecode.lanterna.gui2.Panel;
import io.rsio.config.ClientConfig;
import io.rsio.config.ConfigException;
import io.rsio.crsio.Action;
import io.rsio.crsio.ScreenHost;
import io.rsio.crsio.Dialogs;
import io.rsio.crsio.Screen;
import io.rsio.crsio.Text;
import java.util.ArrayList;
import java.util.List;

/** The namespaces of this client, and "Add NEW Namespace". */
public final class NamespacesScreen implements Screen {
    private final ScreenHost app;
    private final Panel panel = new Panel(new BorderLayout());
    private final ActionListBox list = new ActionListBox();

    NamespacesScreen(ScreenHost app) {
        this.app = app;
        panel.addComponent(new Label(" Namespaces (Enter opens one):"), BorderLayout.Location.TOP);
        panel.addComponent(list, BorderLayout.Location.CENTER);
    }

    @Override
    public String name() {
        return "Namespaces";
    }

    @Override
    public Component component() {
        return panel;
    }

    @Override
    public void shown() {
        list.clearItems();
        for (ClientConfig.Namespace ns : app.editor().config().namespaces()) {
            list.addItem(" " + Text.pad(ns.name(), 16) + Text.pad("id " + ns.id(), 14) + Text.pad("node " + ns.nodeName(), 22)
                    + ns.servers().size() + " server interface(s)", () -> app.show(new NamespaceScreen(app, ns.name())));
        }
        list.addItem(" Add NEW Namespace", app::addNewNamespace);
    }

    @Override
    public List<Action> actions() {
        List<Action> a = new ArrayList<>();
        a.add(new Action("Add NEW Namespace", app::addNewNamespace));
        List<ClientConfig.Namespace> all = app.editor().config().namespaces();
        int i = list.getSelectedIndex();
        if (i >= 0 && i < all.size()) {
            String name = all.get(i).name();
            a.add(new Action("Open namespace " + name, () -> app.show(new NamespaceScreen(app, name))));
            a.add(new Action("Remove namespace " + name, () -> remove(name)));
        }
        return a;
    }

    private void remove(String name) {
        if (Dialogs.choice(app.gui(), "Remove namespace", "Remove namespace " + name + " and its servers?", "Remove",
                "Cancel") == 0) {
            try {
                app.editor().removeNamespace(name);
                app.changed();
                shown();
            } catch (ConfigException e) {
                Dialogs.message(app.gui(), "Not removed", e.reason());
            }
        }
    }

    @Override
    public String help() {
        return """
                One [namespace] per namespace this client is in: its id, this client's
                node name and key there, and one [server] per server interface. "Add NEW
                Namespace" finds namespaces and servers on the network for you.""";
    }
}
