#pragma once

#include <QStringList>
#include <QWizard>

class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QSpinBox;

namespace geolens {

// The "Fast tile classifier (multi-aspect)" method: the teacher and the tiles it judges (a raster
// or a folder of images in class folders), the classes, the aspect questions (the built-in list,
// editable), and the student's training. It makes the two commands of the method, which the run
// window starts one after the other: `geolens-cli aspects` into OUTPUT/targets, then
// `geolens-cli train-classifier` into OUTPUT/run. The aspect questions are written to
// OUTPUT/aspects.txt when the wizard is accepted. Choices are remembered (QSettings).
class TileClassifierWizard : public QWizard {
    Q_OBJECT

public:
    enum PageId { TeacherPageId, AspectsPageId, StudentPageId };

    explicit TileClassifierWizard(QWidget *parent = nullptr);

    void setTeacher(const QString &folder);
    void setSource(const QString &rasterOrFolder);
    void setOutputFolder(const QString &folder);
    QString outputFolder() const;
    QString aspectsFile() const;      // OUTPUT/aspects.txt
    QString targetsFolder() const;    // OUTPUT/targets
    QString runFolder() const;        // OUTPUT/run
    QString classifierFolder() const; // OUTPUT/run/classifier

    // Arguments of geolens-cli for the teacher pass and for the training, in that order.
    QList<QStringList> commands() const;
    // Why the page cannot go on; empty when it can.
    QString problem(int pageId) const;

    bool validateCurrentPage() override;

    static constexpr const char *SettingsGroup = "tileClassifier";

private:
    QStringList classes() const;
    void saveSettings() const;
    void updateAspectStatus();

    QLineEdit *teacher_, *source_, *output_;
    QComboBox *preset_;
    QPlainTextEdit *classes_, *aspects_;
    QLabel *aspectStatus_, *teacherProblem_, *studentReview_;
    QComboBox *architecture_, *classTarget_;
    QSpinBox *width_, *epochs_, *patience_, *storeSize_;
    QDoubleSpinBox *aspectWeight_, *validation_;
};

} // namespace geolens
