#include "SceneLabelDialog.h"

#include "evaluation/ScenePresets.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSettings>

namespace geolens {

SceneLabelDialog::SceneLabelDialog(QWidget *parent)
    : QDialog(parent), preset_(new QComboBox(this)), classes_(new QPlainTextEdit(this)), mode_(new QComboBox(this)),
      tiles_(new QComboBox(this))
{
    setWindowTitle(tr("Label Tiles"));
    auto *form = new QFormLayout(this);
    preset_->addItem(tr("Custom"), QString());
    for (const ScenePreset &p : scenePresets())
        preset_->addItem(QString::fromStdString(p.name), QString::fromStdString(p.key));
    preset_->setToolTip(tr("Class lists of the benchmarks GeoChat is evaluated on"));
    form->addRow(tr("Preset:"), preset_);
    classes_->setToolTip(tr("One class per line"));
    form->addRow(tr("Classes:"), classes_);
    mode_->addItem(tr("Generate: free answer mapped to a class"));
    mode_->addItem(tr("Score: probability of every class"));
    mode_->setToolTip(tr("Scoring compares the likelihood of every class name as the answer"));
    form->addRow(tr("Mode:"), mode_);
    tiles_->addItem(tr("Selected tiles (all when none is selected)"));
    tiles_->addItem(tr("All tiles"));
    tiles_->addItem(tr("Tiles in view"));
    form->addRow(tr("Tiles:"), tiles_);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    buttons->button(QDialogButtonBox::Ok)->setText(tr("Label"));
    form->addRow(buttons);
    connect(buttons, &QDialogButtonBox::accepted, this, [this] {
        saveSettings();
        accept();
    });
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(preset_, qOverload<int>(&QComboBox::currentIndexChanged), this, [this] {
        const QString key = preset_->currentData().toString();
        if (!key.isEmpty())
            setClasses(scenePreset(key.toStdString()).classes);
    });
    connect(classes_, &QPlainTextEdit::textChanged, this, [this, buttons] {
        buttons->button(QDialogButtonBox::Ok)->setEnabled(!classes().empty());
    });
    preset_->setCurrentIndex(1);
    loadSettings();
}

void SceneLabelDialog::loadSettings()
{
    QSettings settings;
    settings.beginGroup(QLatin1String(SettingsGroup));
    const int preset = preset_->findData(settings.value(QStringLiteral("preset"), preset_->currentData()).toString());
    if (preset >= 0)
        preset_->setCurrentIndex(preset);
    // The list as accepted: a preset's list may have been edited after it was chosen.
    if (settings.contains(QStringLiteral("classes")))
        classes_->setPlainText(settings.value(QStringLiteral("classes")).toString());
    const int mode = settings.value(QStringLiteral("mode"), 0).toInt();
    if (mode >= 0 && mode < mode_->count())
        mode_->setCurrentIndex(mode);
    const int tiles = settings.value(QStringLiteral("tiles"), 0).toInt();
    if (tiles >= 0 && tiles < tiles_->count())
        tiles_->setCurrentIndex(tiles);
}

void SceneLabelDialog::saveSettings() const
{
    QSettings settings;
    settings.beginGroup(QLatin1String(SettingsGroup));
    settings.setValue(QStringLiteral("preset"), preset_->currentData().toString());
    settings.setValue(QStringLiteral("classes"), classes_->toPlainText());
    settings.setValue(QStringLiteral("mode"), mode_->currentIndex());
    settings.setValue(QStringLiteral("tiles"), tiles_->currentIndex());
}

std::vector<std::string> SceneLabelDialog::classes() const
{
    std::vector<std::string> out;
    for (const QString &line : classes_->toPlainText().split(QLatin1Char('\n'))) {
        const QString trimmed = line.trimmed();
        if (!trimmed.isEmpty())
            out.push_back(trimmed.toStdString());
    }
    return out;
}

SceneLabelDialog::TileChoice SceneLabelDialog::tileChoice() const
{
    return static_cast<TileChoice>(tiles_->currentIndex());
}

bool SceneLabelDialog::scoreMode() const
{
    return mode_->currentIndex() == 1;
}

void SceneLabelDialog::setClasses(const std::vector<std::string> &classes)
{
    QStringList lines;
    for (const std::string &c : classes)
        lines << QString::fromStdString(c);
    classes_->setPlainText(lines.join(QLatin1Char('\n')));
}

} // namespace geolens
