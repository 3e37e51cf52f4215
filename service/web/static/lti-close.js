// LTI Dynamic Registration's last step: tell the LMS (which opened this page in a frame or a
// window) that registration is done, so it closes the page and shows the new tool.
if (document.querySelector("[data-lti-close]")) {
  (window.opener || window.parent).postMessage({ subject: "org.imsglobal.lti.close" }, "*");
}
