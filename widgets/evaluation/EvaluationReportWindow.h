#pragma once

#include <QWidget>

namespace geolens {

class EvaluationReportView;

// A window of its own for one evaluation report folder, titled after it.
class EvaluationReportWindow : public QWidget {
    Q_OBJECT

public:
    explicit EvaluationReportWindow(const QString &folder = QString(), QWidget *parent = nullptr);

    // Shows another report folder; false when it could not be read (the view says why).
    bool setFolder(const QString &folder);
    QString folder() const;
    EvaluationReportView *view() const { return view_; }

protected:
    void changeEvent(QEvent *event) override;

private:
    void retranslate();

    EvaluationReportView *view_;
};

} // namespace geolens
