#pragma once

#include <QWidget>

#include <optional>
#include <vector>

class QLabel;
class QLineEdit;
class QPushButton;
class QStackedLayout;
class QTextBrowser;

namespace geolens {

class NoModelGuide;

// A conversation with the model about a tile or the view: the transcript with answers streamed
// as they are generated, a question line, and Send, Stop, Copy and Clear. It only shows and asks;
// the main window runs the model.
class ChatPanel : public QWidget {
    Q_OBJECT

public:
    explicit ChatPanel(QWidget *parent = nullptr);

    // What the conversation is about: a tile's id, or CurrentView; shown above the transcript in
    // the interface's language, now and after a language change.
    static constexpr int CurrentView = -1;
    void setSubject(int tileId);
    void addQuestion(const QString &question);
    void beginAnswer();
    void appendToAnswer(const QString &piece);
    void endAnswer(bool cancelled, const QString &note = {});
    void setBusy(bool busy);
    void setReady(bool ready); // a model and a raster are there
    // Without a model the pane shows how to get one instead of the conversation.
    void setModelLoaded(bool loaded);
    bool showsGuide() const;
    QString transcript() const;

public slots:
    void clear();

signals:
    void questionAsked(const QString &question);
    void stopRequested();
    void cleared();
    void loadModelRequested();

protected:
    void changeEvent(QEvent *event) override;

private:
    // One question and its answer, kept as text so the transcript can be drawn again in another
    // language.
    struct Turn {
        QString question;
        QString answer;
        bool finished = false;
        bool cancelled = false;
        QString note;
    };

    void retranslate();
    void showSubject();
    void render();
    void send();

    QLabel *context_;
    QTextBrowser *transcript_;
    QLineEdit *question_;
    QPushButton *send_, *stop_, *copy_, *clear_;
    NoModelGuide *guide_;
    QWidget *conversation_;
    QStackedLayout *pages_;
    std::vector<Turn> turns_;
    std::optional<int> subject_;
    bool busy_ = false;
    bool ready_ = false;
};

} // namespace geolens
