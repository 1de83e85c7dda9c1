;;; emacs-eglot-client.el --- drives Eglot in `emacs --batch', after the README's setup was loaded  -*- lexical-binding: t -*-
;; Opens $LSP_PLAIN (YAML that is not a manifest: Eglot may not manage it), then $LSP_FILE, waits for the server the
;; setup started and its first diagnostics, takes the candidates of Eglot's completion-at-point function at
;; $LSP_COMPLETE_LINE:$LSP_COMPLETE_COL, hover at $LSP_HOVER_LINE:$LSP_HOVER_COL (0-based) as Eglot renders it,
;; inserts $LSP_EDIT_TEXT above line $LSP_EDIT_LINE, waits for Flymake's diagnostic on that line, and writes what
;; it saw as JSON to $LSP_OUT.
(require 'json)
(require 'flymake)

(defvar drv-result nil)
(defvar drv-publications 0)
(defvar drv-plain nil)

(defun drv-env (name) (or (getenv name) (error "%s is not set" name)))
(defun drv-num (name) (string-to-number (drv-env name)))
(defun drv-put (key value) (push (cons key value) drv-result))
(defun drv-bool (value) (if value t :json-false))

(defun drv-wait (pred seconds)
  (let ((deadline (+ (float-time) seconds)))
    (while (and (not (funcall pred)) (< (float-time) deadline))
      (accept-process-output nil 0.05))
    (funcall pred)))

(defun drv-goto (line col)
  (goto-char (point-min))
  (forward-line line)
  (forward-char col))

(defun drv-flymake (beg end)
  (mapcar (lambda (d)
            `((line . ,(1- (line-number-at-pos (flymake-diagnostic-beg d))))
              (type . ,(symbol-name (flymake-diagnostic-type d)))
              (message . ,(flymake-diagnostic-text d))))
          (flymake-diagnostics beg end)))

(defun drv-connect ()
  ;; The command loop runs post-command-hook after the command that visited the file; that is where
  ;; eglot-ensure connects. Batch Emacs has no command loop, so the driver runs the hook.
  (run-hooks 'post-command-hook))

(defun drv-finish (status)
  (drv-put 'status status)
  (with-temp-file (drv-env "LSP_OUT") (insert (json-encode drv-result)))
  (kill-emacs 0))

;; Count publications, to know when the server has looked at the file.
(advice-add 'eglot-handle-notification :after
            (lambda (_server method &rest _)
              (when (eq method 'textDocument/publishDiagnostics)
                (setq drv-publications (1+ drv-publications)))))

(condition-case err
    (progn
      (find-file (drv-env "LSP_PLAIN"))
      (drv-put 'plain_mode (symbol-name major-mode))
      (drv-connect)
      (setq drv-plain (current-buffer))

      (find-file (drv-env "LSP_FILE"))
      (drv-put 'mode (symbol-name major-mode))
      (drv-connect)
      (unless (drv-wait #'eglot-managed-p 60) (error "Eglot does not manage %s" buffer-file-name))
      (let ((server (eglot-current-server)))
        (drv-put 'server (plist-get (eglot--server-info server) :name))
        (drv-put 'command (process-command (jsonrpc--process server))))
      (flymake-start)
      (unless (drv-wait (lambda () (> drv-publications 0)) 60) (error "No diagnostics within 60 s of open"))
      (drv-put 'errors_on_open
               (vconcat (delq nil (mapcar (lambda (d) (when (eq (flymake-diagnostic-type d) 'eglot-error)
                                                        (flymake-diagnostic-text d)))
                                          (flymake-diagnostics)))))

      (drv-goto (drv-num "LSP_COMPLETE_LINE") (drv-num "LSP_COMPLETE_COL"))
      (drv-put 'capf_has_eglot (drv-bool (memq #'eglot-completion-at-point completion-at-point-functions)))
      (let* ((capf (eglot-completion-at-point))
             (table (nth 2 capf))
             (prefix (buffer-substring-no-properties (nth 0 capf) (point))))
        (drv-put 'completion (vconcat (mapcar #'substring-no-properties (all-completions prefix table)))))

      (drv-goto (drv-num "LSP_HOVER_LINE") (drv-num "LSP_HOVER_COL"))
      (let ((hover (jsonrpc-request (eglot--current-server-or-lose) :textDocument/hover
                                    (eglot--TextDocumentPositionParams))))
        (drv-put 'hover (if hover
                            (substring-no-properties (eglot--hover-info (plist-get hover :contents)
                                                                        (plist-get hover :range)))
                          :json-null)))

      (let ((line (drv-num "LSP_EDIT_LINE")))
        (drv-goto line 0)
        (insert (drv-env "LSP_EDIT_TEXT") "\n")
        ;; Eglot sends the change from an idle timer; batch Emacs is never idle, so send it now.
        (eglot--signal-textDocument/didChange)
        (drv-goto line 0)
        (let ((beg (line-beginning-position)) (end (line-end-position)))
          (unless (drv-wait (lambda () (drv-flymake beg end)) 60)
            (error "No Flymake diagnostic on line %d within 60 s" line))
          (drv-put 'diagnostics_after_edit (vconcat (drv-flymake beg end)))))
      ;; Eglot manages every buffer of the server's modes in the project: values.yaml must not be in one
      (drv-put 'plain_managed (drv-bool (with-current-buffer drv-plain (eglot-managed-p))))
      (drv-put 'alive (drv-bool (process-live-p (jsonrpc--process (eglot-current-server)))))
      (eglot-shutdown (eglot-current-server))
      (drv-finish "ok"))
  (error (drv-put 'error (error-message-string err))
         (drv-finish "failed")))
