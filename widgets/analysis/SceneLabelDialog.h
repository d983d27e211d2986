#pragma once

#include <QDialog>

#include <string>
#include <vector>

class QComboBox;
class QPlainTextEdit;

namespace geolens {

// Asks for the scene classes (a benchmark preset or the user's own list, one per line) and the
// mode: a free answer mapped to a class, or a probability for every class. It opens with the
// choices it was last accepted with (QSettings).
class SceneLabelDialog : public QDialog {
    Q_OBJECT

public:
    explicit SceneLabelDialog(QWidget *parent = nullptr);

    std::vector<std::string> classes() const;
    bool scoreMode() const;
    enum class TileChoice { SelectedOrAll, All, InView };
    TileChoice tileChoice() const;
    void setClasses(const std::vector<std::string> &classes);

    // Where the choices are kept, a QSettings group.
    static constexpr const char *SettingsGroup = "sceneLabels";

private:
    void loadSettings();
    void saveSettings() const;

    QComboBox *preset_;
    QPlainTextEdit *classes_;
    QComboBox *mode_;
    QComboBox *tiles_;
};

} // namespace geolens
