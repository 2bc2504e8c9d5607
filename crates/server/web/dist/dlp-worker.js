var Tr=!!"".isWellFormed;var x=Math.fround;var Nr=64*1024;function Ke(e,n){for(let t of n)e.kinds.set(t.kind,(e.kinds.get(t.kind)??0)+1)}var w=Uint8Array,P=Uint16Array,Wt=Int32Array,We=new w([0,0,0,0,0,0,0,0,1,1,1,1,2,2,2,2,3,3,3,3,4,4,4,4,5,5,5,5,0,0,0,0]),$e=new w([0,0,0,0,1,1,2,2,3,3,4,4,5,5,6,6,7,7,8,8,9,9,10,10,11,11,12,12,13,13,0,0]),$t=new w([16,17,18,0,8,7,9,6,10,5,11,4,12,3,13,2,14,1,15]),Ge=function(e,n){for(var t=new P(31),r=0;r<31;++r)t[r]=n+=1<<e[r-1];for(var i=new Wt(t[30]),r=1;r<30;++r)for(var a=t[r];a<t[r+1];++a)i[a]=a-t[r]<<5|r;return{b:t,r:i}},Ze=Ge(We,2),je=Ze.b,Gt=Ze.r;je[28]=258,Gt[258]=28;var Ve=Ge($e,0),Zt=Ve.b,Pr=Ve.r,xe=new P(32768);for(m=0;m<32768;++m)U=(m&43690)>>1|(m&21845)<<1,U=(U&52428)>>2|(U&13107)<<2,U=(U&61680)>>4|(U&3855)<<4,xe[m]=((U&65280)>>8|(U&255)<<8)>>1;var U,m,Z=(function(e,n,t){for(var r=e.length,i=0,a=new P(n);i<r;++i)e[i]&&++a[e[i]-1];var o=new P(n);for(i=1;i<n;++i)o[i]=o[i-1]+a[i-1]<<1;var s;if(t){s=new P(1<<n);var l=15-n;for(i=0;i<r;++i)if(e[i])for(var u=i<<4|e[i],c=n-e[i],f=o[e[i]-1]++<<c,d=f|(1<<c)-1;f<=d;++f)s[xe[f]>>l]=u}else for(s=new P(r),i=0;i<r;++i)e[i]&&(s[i]=xe[o[e[i]-1]++]>>15-e[i]);return s}),j=new w(288);for(m=0;m<144;++m)j[m]=8;var m;for(m=144;m<256;++m)j[m]=9;var m;for(m=256;m<280;++m)j[m]=7;var m;for(m=280;m<288;++m)j[m]=8;var m,Ye=new w(32);for(m=0;m<32;++m)Ye[m]=5;var m;var jt=Z(j,9,1);var Vt=Z(Ye,5,1),ge=function(e){for(var n=e[0],t=1;t<e.length;++t)e[t]>n&&(n=e[t]);return n},I=function(e,n,t){var r=n/8|0;return(e[r]|e[r+1]<<8)>>(n&7)&t},ve=function(e,n){var t=n/8|0;return(e[t]|e[t+1]<<8|e[t+2]<<16)>>(n&7)},Yt=function(e){return(e+7)/8|0},ee=function(e,n,t){return(n==null||n<0)&&(n=0),(t==null||t>e.length)&&(t=e.length),new w(e.subarray(n,t))};var Xt=["unexpected EOF","invalid block type","invalid length/literal","invalid distance","stream finished","no stream handler",,"no callback","invalid UTF-8 data","extra field too long","date not in range 1980-2099","filename too long","stream finishing","invalid zip data"],S=function(e,n,t){var r=new Error(n||Xt[e]);if(r.code=e,Error.captureStackTrace&&Error.captureStackTrace(r,S),!t)throw r;return r},Jt=function(e,n,t,r){var i=e.length,a=r?r.length:0;if(!i||n.f&&!n.l)return t||new w(0);var o=!t,s=o||n.i!=2,l=n.i;o&&(t=new w(i*3));var u=function(qe){var Re=t.length;if(qe>Re){var He=new w(Math.max(Re*2,qe));He.set(t),t=He}},c=n.f||0,f=n.p||0,d=n.b||0,h=n.l,v=n.d,C=n.m,b=n.n,K=i*8;do{if(!h){c=I(e,f,1);var le=I(e,f+1,3);if(f+=3,le)if(le==1)h=jt,v=Vt,C=9,b=5;else if(le==2){var ce=I(e,f,31)+257,Ue=I(e,f+10,15)+4,Me=ce+I(e,f+5,31)+1;f+=14;for(var W=new w(Me),de=new w(19),T=0;T<Ue;++T)de[$t[T]]=I(e,f+T*3,7);f+=Ue*3;for(var Oe=ge(de),Mt=(1<<Oe)-1,Ot=Z(de,Oe,1),T=0;T<Me;){var Le=Ot[I(e,f,Mt)];f+=Le&15;var E=Le>>4;if(E<16)W[T++]=E;else{var N=0,_=0;for(E==16?(_=3+I(e,f,3),f+=2,N=W[T-1]):E==17?(_=3+I(e,f,7),f+=3):E==18&&(_=11+I(e,f,127),f+=7);_--;)W[T++]=N}}var Ne=W.subarray(0,ce),O=W.subarray(ce);C=ge(Ne),b=ge(O),h=Z(Ne,C,1),v=Z(O,b,1)}else S(1);else{var E=Yt(f)+4,ue=e[E-4]|e[E-3]<<8,fe=E+ue;if(fe>i){l&&S(0);break}s&&u(d+ue),t.set(e.subarray(E,fe),d),n.b=d+=ue,n.p=f=fe*8,n.f=c;continue}if(f>K){l&&S(0);break}}s&&u(d+131072);for(var Lt=(1<<C)-1,Nt=(1<<b)-1,he=f;;he=f){var N=h[ve(e,f)&Lt],B=N>>4;if(f+=N&15,f>K){l&&S(0);break}if(N||S(2),B<256)t[d++]=B;else if(B==256){he=f,h=null;break}else{var Be=B-254;if(B>264){var T=B-257,$=We[T];Be=I(e,f,(1<<$)-1)+je[T],f+=$}var pe=v[ve(e,f)&Nt],me=pe>>4;pe||S(3),f+=pe&15;var O=Zt[me];if(me>3){var $=$e[me];O+=ve(e,f)&(1<<$)-1,f+=$}if(f>K){l&&S(0);break}s&&u(d+131072);var Pe=d+Be;if(d<O){var Fe=a-O,Bt=Math.min(O,Pe);for(Fe+d<0&&S(3);d<Bt;++d)t[d]=r[Fe+d]}for(;d<Pe;++d)t[d]=t[d-O]}}n.l=h,n.p=he,n.b=d,n.f=c,h&&(c=1,n.m=C,n.d=v,n.n=b)}while(!c);return d!=t.length&&o?ee(t,0,d):t.subarray(0,d)};var Qt=new w(0);var Xe=(function(){function e(n,t){typeof n=="function"&&(t=n,n={}),this.ondata=t;var r=n&&n.dictionary&&n.dictionary.subarray(-32768);this.s={i:0,b:r?r.length:0},this.o=new w(32768),this.p=new w(0),r&&this.o.set(r)}return e.prototype.e=function(n){if(this.ondata||S(5),this.d&&S(4),!this.p.length)this.p=n;else if(n.length){var t=new w(this.p.length+n.length);t.set(this.p),t.set(n,this.p.length),this.p=t}},e.prototype.c=function(n){this.s.i=+(this.d=n||!1);var t=this.s.b,r=Jt(this.p,this.s,this.o);this.ondata(ee(r,t,this.s.b),this.d),this.o=ee(r,this.s.b-32768),this.s.b=this.o.length,this.p=ee(this.p,this.s.p/8|0),this.s.p&=7},e.prototype.push=function(n,t){this.e(n),this.c(t)},e})();var _t=typeof TextDecoder<"u"&&new TextDecoder,en=0;try{_t.decode(Qt,{stream:!0}),en=1}catch{}var tn=1e4,g=class extends Error{constructor(t){super(t);this.reason=t}reason};function et(e,n){try{return{...nn(e,n)}}catch(t){return t instanceof g?{notInspectable:t.reason}:{notInspectable:"corrupt"}}}function nn(e,n){let t=an(e),r=new Map(t.map(a=>[a.name,a]));if(r.has("word/document.xml")){let a=t.map(o=>o.name).filter(o=>{let s=o.startsWith("word/")?o.slice(5):"";return(s.startsWith("header")||s.startsWith("footer"))&&s.endsWith(".xml")&&!s.includes("/")||["footnotes.xml","endnotes.xml","comments.xml"].includes(s)}).sort(rn);return{text:Je(e,r,["word/document.xml",...a],"word",n),format:"docx"}}let i=null;try{i=tt(e,r,"mimetype",256)}catch{i=null}if(i!==null&&new TextDecoder().decode(i)==="application/vnd.oasis.opendocument.text"){let a=r.has("styles.xml")?["content.xml","styles.xml"]:["content.xml"];return{text:Je(e,r,a,"odf",n),format:"odt"}}throw r.has("[Content_Types].xml")&&t.some(a=>a.name.includes("/encryption"))?new g("encrypted"):new g("unsupported-format")}function rn(e,n){let t=new TextEncoder().encode(e),r=new TextEncoder().encode(n);for(let i=0;i<Math.min(t.length,r.length);i++){let a=t[i]-r[i];if(a!==0)return a}return t.length-r.length}function an(e){let n=new DataView(e.buffer,e.byteOffset,e.byteLength),t=-1;for(let u=e.length-22;u>=Math.max(0,e.length-22-65535);u--)if(n.getUint32(u,!0)===101010256){t=u;break}if(t<0)throw new g("corrupt");let r=n.getUint16(t+10,!0),i=n.getUint32(t+12,!0),a=n.getUint32(t+16,!0);if(r>tn)throw new g("too-large");if(a+i>t)throw new g("corrupt");let o=new TextDecoder,s=[],l=a;for(let u=0;u<r;u++){if(l+46>t||n.getUint32(l,!0)!==33639248)throw new g("corrupt");let c=n.getUint16(l+28,!0),f=l+46+c+n.getUint16(l+30,!0)+n.getUint16(l+32,!0);if(f>t)throw new g("corrupt");s.push({name:o.decode(e.subarray(l+46,l+46+c)),flags:n.getUint16(l+8,!0),method:n.getUint16(l+10,!0),compressedSize:n.getUint32(l+20,!0),size:n.getUint32(l+24,!0),localOffset:n.getUint32(l+42,!0)}),l=f}return s}function tt(e,n,t,r){let i=n.get(t);if(i===void 0)throw new g("corrupt");if((i.flags&1)!==0)throw new g("encrypted");if(i.size>r)throw new g("too-large");let a=new DataView(e.buffer,e.byteOffset,e.byteLength),o=i.localOffset;if(o+30>e.length||a.getUint32(o,!0)!==67324752)throw new g("corrupt");let s=o+30+a.getUint16(o+26,!0)+a.getUint16(o+28,!0),l=e.subarray(s,s+i.compressedSize);if(l.length!==i.compressedSize)throw new g("corrupt");if(i.method===0){if(l.length>r)throw new g("too-large");return l}if(i.method!==8)throw new g("unsupported-format");let u=[],c=0,f=!1,d=new Xe((b,K)=>{if(c+=b.length,c>r)throw new g("too-large");u.push(b),K&&(f=!0)}),h=64*1024;for(let b=0;b<l.length;b+=h)d.push(l.subarray(b,Math.min(b+h,l.length)),b+h>=l.length);if(l.length===0&&d.push(new Uint8Array(0),!0),!f)throw new g("corrupt");let v=new Uint8Array(c),C=0;for(let b of u)v.set(b,C),C+=b.length;return v}function Je(e,n,t,r,i){let a="";for(let o of t){let s=tt(e,n,o,i.maxPartBytes);if(a!==""&&!a.endsWith(`
`)&&(a+=`
`),a+=on(s,r),a.length>i.maxTextBytes)throw new g("too-large")}return a}function Qe(e,n){return e==="word"?n==="w:t"||n==="w:delText":n==="text:p"||n==="text:h"}function _e(e,n){return e==="word"?n==="w:p":n==="text:p"||n==="text:h"}function on(e,n){let t;try{t=new TextDecoder("utf-8",{fatal:!0}).decode(e)}catch{throw new g("corrupt")}let r=[],i=[],a=0,o=0;for(;o<t.length;){let s=t.indexOf("<",o),l=s<0?t.length:s;if(l>o){if(a>0)r.push(un(t.slice(o,l)));else if(t.slice(o,l).includes("&")&&/&(?![a-zA-Z]+;|#[0-9]+;|#x[0-9a-fA-F]+;)/.test(t.slice(o,l)))throw new g("corrupt")}if(s<0)break;if(t.startsWith("<!--",s))o=te(t,"-->",s+4);else if(t.startsWith("<![CDATA[",s)){let u=t.indexOf("]]>",s+9);if(u<0)throw new g("corrupt");a>0&&r.push(t.slice(s+9,u)),o=u+3}else if(t.startsWith("<?",s))o=te(t,"?>",s+2);else if(t.startsWith("<!",s)){let u=t.indexOf("[",s),c=t.indexOf(">",s);o=u>=0&&u<c?te(t,"]>",u):te(t,">",s)}else{let u=sn(t,s+1),c=t.slice(s+1,u);if(o=u+1,c.startsWith("/")){let v=c.slice(1).trim();if(i.pop()!==v)throw new g("corrupt");Qe(n,v)&&(a=Math.max(0,a-1)),_e(n,v)&&r.push(`
`);continue}let f=c.endsWith("/"),d=f?c.slice(0,-1):c,h=/^[^\s/>]+/.exec(d)?.[0];if(h===void 0)throw new g("corrupt");if(!f){i.push(h),Qe(n,h)&&(a+=1);continue}if(n==="word"&&h==="w:tab"||n==="odf"&&h==="text:tab")r.push("	");else if(n==="word"&&(h==="w:br"||h==="w:cr")||n==="odf"&&h==="text:line-break")r.push(`
`);else if(n==="odf"&&h==="text:s"){let v=/\stext:c\s*=\s*(?:"([0-9]+)"|'([0-9]+)')/.exec(d),C=v===null?1:Number(v[1]??v[2]);r.push(" ".repeat(Math.min(Number.isSafeInteger(C)?C:1,64)))}else _e(n,h)&&r.push(`
`)}}return r.join("")}function te(e,n,t){let r=e.indexOf(n,t);if(r<0)throw new g("corrupt");return r+n.length}function sn(e,n){let t="";for(let r=n;r<e.length;r++){let i=e[r];if(t!=="")i===t&&(t="");else if(i==='"'||i==="'")t=i;else{if(i===">")return r;if(i==="<")break}}throw new g("corrupt")}var ln={amp:"&",lt:"<",gt:">",quot:'"',apos:"'"};function un(e){return e.replace(/&([^;&]*);|&/g,(n,t)=>{if(t===void 0)throw new g("corrupt");let r=/^#(?:x([0-9a-fA-F]+)|([0-9]+))$/.exec(t);if(r!==null){let i=r[1]!==void 0?parseInt(r[1],16):Number(r[2]);if(!(i>0&&i<=1114111)||i>=55296&&i<=57343)throw new g("corrupt");return String.fromCodePoint(i)}if(!/^[A-Za-z_][\w.-]*$/.test(t))throw new g("corrupt");return ln[t]??""})}var ye={maxFileBytes:256<<20,maxPartBytes:64<<20,maxTextBytes:64<<20};function nt(e,n,t=ye){if(e.length>t.maxFileBytes)return{notInspectable:"too-large"};let r;switch(fn(e)){case"pdf":r={notInspectable:"pdf"};break;case"zip":r=et(e,t);break;case"image":r={notInspectable:"image"};break;case"unsupported":r={notInspectable:"unsupported-format"};break;case"other":r=cn(e,n);break}return"text"in r&&new TextEncoder().encode(r.text).length>t.maxTextBytes?{notInspectable:"too-large"}:r}function y(e,n,t=0){return n.every((r,i)=>e[t+i]===r)}var L=e=>[...e].map(n=>n.charCodeAt(0));function fn(e){let n=e.subarray(0,1024),t=L("%PDF-");for(let i=0;i+t.length<=n.length;i++)if(y(n,t,i))return"pdf";return y(e,[80,75,3,4])?"zip":y(e,[137,80,78,71,13,10,26,10])||y(e,[255,216,255])||y(e,L("GIF87a"))||y(e,L("GIF89a"))||y(e,[73,73,42,0])||y(e,[77,77,0,42])||y(e,L("BM"))&&e.length>=10&&y(e,[0,0,0,0],6)||y(e,L("RIFF"))&&y(e,L("WEBP"),8)||y(e,L("ftyp"),4)&&["heic","heix","mif1","avif","msf1"].some(i=>y(e,L(i),8))?"image":y(e,[208,207,17,224,161,177,26,225])||y(e,[82,97,114,33,26,7])||y(e,[55,122,188,175,39,28])||y(e,[31,139])?"unsupported":"other"}function cn(e,n){let t=n===null?-1:n.lastIndexOf("."),r=n===null||t<0?"":n.slice(t+1).toLowerCase(),i=r==="csv"||r==="tsv"?"csv":"text";for(let[o,s]of[[[255,254],"utf-16le"],[[254,255],"utf-16be"]])if(y(e,o))try{return{text:new TextDecoder(s,{fatal:!0,ignoreBOM:!0}).decode(e.subarray(2)),format:i}}catch{return{notInspectable:"unknown-format"}}if(e.includes(0))return{notInspectable:"unknown-format"};try{return{text:new TextDecoder("utf-8",{fatal:!0,ignoreBOM:!0}).decode(e),format:i}}catch{}let a=0;for(let o of e)o<32&&o!==10&&o!==13&&o!==9&&o!==12&&(a+=1);return a*100>e.length?{notInspectable:"unknown-format"}:{text:new TextDecoder("windows-1252").decode(e),format:i}}function A(e){return e!==void 0&&(e>=48&&e<=57||e>=65&&e<=90||e>=97&&e<=122||e===95)}function p(e){return e!==void 0&&e>=48&&e<=57}function M(e){return e!==void 0&&e>=65&&e<=90}function z(e){return e!==void 0&&(e>=48&&e<=57||e>=65&&e<=90||e>=97&&e<=122)}function V(e){return e!==void 0&&(e>=65&&e<=90||e>=97&&e<=122)}function q(e){return e>=97&&e<=122?e-32:e}function Y(e){return e>=65&&e<=90?e+32:e}function X(e,n){let t=e[n];return t===32||t===46||t===45?1:t===194&&e[n+1]===160?2:t===226&&e[n+1]===128&&(e[n+2]===175||e[n+2]===137)?3:0}function ne(e,n,t=e.length){for(let r=n;r<t;r++){let i=e[r];if(i>=48&&i<=57)return r}return-1}function re(e,n){let t=e[n];return t===void 0?-1:t<128?t:t<224?(t&31)<<6|(e[n+1]??0)&63:t<240?(t&15)<<12|((e[n+1]??0)&63)<<6|(e[n+2]??0)&63:(t&7)<<18|((e[n+1]??0)&63)<<12|((e[n+2]??0)&63)<<6|(e[n+3]??0)&63}function Ae(e){return e<128?1:e<224?2:e<240?3:4}var dn=/^[\p{Alphabetic}\p{Nd}\p{Nl}\p{No}]$/u,hn=new RegExp("^\\p{Alphabetic}$","u"),rt=new Map;function R(e){if(e<0)return!1;if(e<128)return z(e);let n=rt.get(e);return n===void 0&&(n=dn.test(String.fromCodePoint(e)),rt.set(e,n)),n}function pn(e){return e>=0&&(e<128?V(e):hn.test(String.fromCodePoint(e)))}function ie(e,n){let t=re(e,n);return t===95||R(t)}function at(e,n){let t=0,r=-1,i=0,a=e.length;for(;t<a;){let o=e[t],s,l=1;if(o<128?s=A(o):(s=R(re(e,t)),l=Ae(o)),s){r<0&&(r=t,i=0);for(let u=t;u<t+l;u++)i=ot(i,Y(e[u]))}else r>=0&&(n(r,i),r=-1);t+=l}r>=0&&n(r,i)}function ot(e,n){return Math.imul(e^n,16777619)>>>0}function st(e){let n=0,t=0;for(;t<e.length;){let r=e[t],i=1;if(r<128){if(!A(r))break}else{if(!R(re(e,t)))break;i=Ae(r)}for(let a=t;a<t+i;a++)n=ot(n,Y(e[a]));t+=i}return n}function lt(e,n,t,r){let i=Math.max(0,n-t);for(let a of r){let o=n-a.length;e:for(let s=i;s<=o;s++){for(let l=0;l<a.length;l++)if(Y(e[s+l])!==a.charCodeAt(l))continue e;return!0}}return!1}function ut(e,n){let t=F(e,n,1,4);if(t===null)return-1;let[r,i]=t;if(i-n===4){if(e[i]!==45)return-1;let c=F(e,i+1,2,2);if(c===null||e[c[1]]!==45)return-1;let f=F(e,c[1]+1,2,2);if(f===null)return-1;let d=f[1];return be(r,4)&&we(f[0],c[0])&&!A(e[d])?d:-1}if(i-n>2)return-1;let a=r,o=e[i];if(o===47||o===45||o===46){let c=F(e,i+1,1,2);if(c===null||e[c[1]]!==o)return-1;let f=F(e,c[1]+1,2,4);if(f===null)return-1;let d=f[1]-c[1]-1;return d!==3&&be(f[0],d)&&we(a,c[0])&&!A(e[f[1]])?f[1]:-1}let s=i;if(a===1&&e[s]===101&&e[s+1]===114&&(s+=2),s=it(e,s),s<0)return-1;let l=vn(e,s);if(l===null||(s=it(e,l[1]),s<0))return-1;let u=F(e,s,4,4);return u===null?-1:be(u[0],4)&&we(a,l[0])&&!A(e[u[1]])?u[1]:-1}function F(e,n,t,r){let i=0,a=n;for(;p(e[a]);){if(a-n===r)return null;i=i*10+(e[a]-48),a+=1}return a-n>=t?[i,a]:null}function it(e,n){let t=n;for(;;)if(e[t]===32)t+=1;else if(e[t]===194&&e[t+1]===160)t+=2;else if(e[t]===226&&e[t+1]===128&&e[t+2]===175)t+=3;else break;return t>n?t:-1}var mn=new Map([["janvier",1],["janv.",1],["février",2],["fevrier",2],["févr.",2],["fevr.",2],["mars",3],["avril",4],["avr.",4],["mai",5],["juin",6],["juillet",7],["juil.",7],["août",8],["aout",8],["septembre",9],["sept.",9],["octobre",10],["oct.",10],["novembre",11],["nov.",11],["décembre",12],["decembre",12],["déc.",12],["dec.",12],["janv",1]]),gn=new TextDecoder;function vn(e,n){let t=n;for(;t<e.length;){let a=re(e,t);if(!(a===46||pn(a)))break;t+=Ae(e[t])}let r=gn.decode(e.subarray(n,t)).toLowerCase(),i=mn.get(r);return i===void 0?null:[i,t]}function be(e,n){return n===2||e>=1900&&e<=2100}function we(e,n){let t;if(n===2)t=29;else if(n===4||n===6||n===9||n===11)t=30;else if(n>=1&&n<=12)t=31;else return!1;return e>=1&&e<=t}var ae=64,H=class{root={next:new Map,pattern:-1};patterns=[];firstWords=new Set;classes=null;transitions=new Int32Array(0);accepting=new Int32Array(0);matchEnd=0;add(n){let t=xn.encode(n);this.firstWords.add(st(t));let r=this.root;for(let i of t){let a=Y(i),o=r.next.get(a);o===void 0&&(o={next:new Map,pattern:-1},r.next.set(a,o)),r=o}r.pattern<0&&(r.pattern=this.patterns.length),this.patterns.push(t),this.classes=null}mayStart(n){return this.firstWords.has(n)}firstWordHashes(){return this.firstWords}compile(){let n=new Uint8Array(256),t=[],r=new Map,i=[this.root],a=0;for(;i.length>0;){let o=i.shift();r.set(o,t.length),t.push(o);for(let[s,l]of o.next){if(n[s]===0){if(a+=1,a>=ae)throw new Error("too many distinct bytes in the dictionary");n[s]=a,s>=97&&s<=122&&(n[s-32]=a)}i.push(l)}}return this.transitions=new Int32Array(t.length*ae),this.accepting=new Int32Array(t.length),t.forEach((o,s)=>{this.accepting[s]=o.pattern;for(let[l,u]of o.next)this.transitions[s*ae+n[l]]=r.get(u)}),this.classes=n,n}longestAt(n,t){let r=this.classes??this.compile(),i=this.transitions,a=0,o=-1;for(let s=t;s<n.length;s++){let l=r[n[s]];if(l===0||(a=i[a*ae+l],a===0))break;let u=this.accepting[a];u>=0&&(o=u,this.matchEnd=s+1)}return o}},xn=new TextEncoder;function oe(e){let n=e.toLowerCase(),t=[n,n.toUpperCase()],r=[...n].map(bn).join("");[...r].length>=4&&t.push(r);for(let i of[...t])i.includes("'")?t.push(i.replaceAll("'","’")):i.includes("’")&&t.push(i.replaceAll("’","'"));return t.sort(yn),t.filter((i,a)=>a===0||i!==t[a-1])}function yn(e,n){let t=[...e],r=[...n];for(let i=0;i<Math.min(t.length,r.length);i++){let a=(t[i].codePointAt(0)??0)-(r[i].codePointAt(0)??0);if(a!==0)return a}return t.length-r.length}function bn(e){switch(e){case"à":case"â":case"ä":case"á":return"a";case"é":case"è":case"ê":case"ë":return"e";case"î":case"ï":case"í":return"i";case"ô":case"ö":case"ó":return"o";case"ù":case"û":case"ü":case"ú":return"u";case"ç":return"c";case"ÿ":return"y";case"œ":return"oe";case"æ":return"ae";default:return e}}var ct=64,wn=[["né","birth"],["née","birth"],["né(e)","birth"],["naissance","birth"],["ddn","birth"],["date of birth","birth"],["birth date","birth"],["born","birth"],["dob","birth"],["cni","cni"],["carte nationale d'identité","cni"],["carte nationale d’identité","cni"],["carte d'identité","cni"],["carte d’identité","cni"],["pièce d'identité","cni"],["pièce d’identité","cni"],["identity card","cni"],["passeport","passport"],["passport","passport"],["adeli","adeli"]];function dt(){let e=new H,n=[];for(let[t,r]of wn)for(let i of oe(t))e.add(i),n.push(r);return{dictionary:e,triggers:n}}function ht(e,n,t,r){let i=0;for(let o of t){if(o<i)continue;let s=e.dictionary.longestAt(n,o);if(s<0)continue;let l=e.dictionary.matchEnd;if(ie(n,l))continue;let u=e.triggers[s];if(u===void 0)continue;i=l;let c;switch(u){case"birth":c=An(n,l);break;case"cni":c=ft(n,l,a);break;case"passport":c=ft(n,l,(f,d)=>Cn(n,f,d)?["passport",.9]:null);break;case"adeli":c=Tn(n,l);break}c!==null&&r.push(c)}function a(o,s){let l=c=>p(c)||M(c),u=n.subarray(o,s);return u.length===12&&u.subarray(0,4).every(c=>p(c))&&u.subarray(4,7).every(l)&&u.subarray(7).every(c=>p(c))?["cni",.85]:u.length===9&&u.every(l)&&u.some(c=>p(c))&&u.some(c=>M(c))?["cni",.8]:null}}function pt(e,n){let t=Math.min(n+ct,e.length),r=ne(e,n,t);return r<0||r>0&&A(e[r-1])?-1:r}function An(e,n){let t=pt(e,n);if(t<0)return null;let r=ut(e,t);return r<0?null:{kind:"birthdate",start:t,end:r,confidence:x(.9)}}function ft(e,n,t){let r=Math.min(n+ct,e.length),i=n;for(;i<r;){if(!A(e[i])){i+=1;continue}let a=i;for(;A(e[a]);)a+=1;let o=t(i,a);if(o!==null)return{kind:o[0],start:i,end:a,confidence:x(o[1])};i=a}return null}function Cn(e,n,t){if(t-n!==9)return!1;for(let r=n;r<t;r++){let i=r-n;if(i===2||i===3?!M(e[r]):!p(e[r]))return!1}return!0}function Tn(e,n){let t=pt(e,n);if(t<0)return null;let r=t,i=0;for(;;){let a=r;for(;p(e[a]);)a+=1;if(i+=a-r,i>9||A(e[a]))return null;let o=X(e,a);if(i===9)return o>0&&p(e[a+o])?null:{kind:"adeli",start:t,end:a,confidence:x(.85)};if(o===0||!p(e[a+o]))return null;r=a+o}}var mt=`# French health terms for the \`health\` detector: term, weight, category.
# Weight (0-1): how strongly the term alone points to health data; a match is reported
# when its weight plus the boost of nearby terms and context words reaches 0.5.
# Categories: diagnosis, treatment, disability, care; \`context\` words are never reported,
# they only raise the score of terms near them. A term written in capitals (VIH, AVC) is
# an acronym and matches only in capitals; others ignore case and accents.
# Sources: common French terms of clinical and social-care writing (ALD list, CIM-10
# chapter titles, medico-social services); no personal data.
# diagnoses
cancer	0.6	diagnosis
cancer du sein	0.9	diagnosis
cancer du poumon	0.9	diagnosis
cancer de la prostate	0.9	diagnosis
cancer colorectal	0.9	diagnosis
tumeur	0.6	diagnosis
tumeur maligne	0.9	diagnosis
tumeur bénigne	0.8	diagnosis
carcinome	0.9	diagnosis
adénocarcinome	0.9	diagnosis
sarcome	0.9	diagnosis
lymphome	0.9	diagnosis
leucémie	0.9	diagnosis
myélome	0.9	diagnosis
mélanome	0.9	diagnosis
glioblastome	0.9	diagnosis
métastase	0.9	diagnosis
métastases	0.9	diagnosis
néoplasie	0.9	diagnosis
oncologie	0.7	care
diabète	0.7	diagnosis
diabète de type 1	0.9	diagnosis
diabète de type 2	0.9	diagnosis
diabétique	0.7	diagnosis
diabète gestationnel	0.9	diagnosis
hypertension artérielle	0.8	diagnosis
hypertension	0.5	diagnosis
HTA	0.6	diagnosis
hypercholestérolémie	0.8	diagnosis
infarctus	0.7	diagnosis
infarctus du myocarde	0.9	diagnosis
insuffisance cardiaque	0.9	diagnosis
insuffisance rénale	0.9	diagnosis
insuffisance respiratoire	0.9	diagnosis
insuffisance hépatique	0.9	diagnosis
cardiopathie	0.9	diagnosis
arythmie	0.8	diagnosis
fibrillation auriculaire	0.9	diagnosis
angine de poitrine	0.8	diagnosis
AVC	0.7	diagnosis
accident vasculaire cérébral	0.9	diagnosis
embolie pulmonaire	0.9	diagnosis
thrombose	0.8	diagnosis
phlébite	0.8	diagnosis
anévrisme	0.8	diagnosis
cirrhose	0.9	diagnosis
hépatite	0.8	diagnosis
hépatite B	0.9	diagnosis
hépatite C	0.9	diagnosis
VIH	0.9	diagnosis
sida	0.8	diagnosis
séropositif	0.9	diagnosis
séropositive	0.9	diagnosis
séropositivité	0.9	diagnosis
infection sexuellement transmissible	0.9	diagnosis
IST	0.45	diagnosis
syphilis	0.9	diagnosis
tuberculose	0.9	diagnosis
méningite	0.9	diagnosis
septicémie	0.9	diagnosis
pneumonie	0.7	diagnosis
bronchite chronique	0.8	diagnosis
covid-19	0.5	diagnosis
covid long	0.8	diagnosis
épilepsie	0.9	diagnosis
épileptique	0.8	diagnosis
crise d'épilepsie	0.9	diagnosis
maladie d'Alzheimer	0.9	diagnosis
alzheimer	0.8	diagnosis
maladie de Parkinson	0.9	diagnosis
parkinson	0.7	diagnosis
démence	0.7	diagnosis
troubles cognitifs	0.8	diagnosis
sclérose en plaques	0.9	diagnosis
sclérose latérale amyotrophique	0.9	diagnosis
maladie de Charcot	0.9	diagnosis
myopathie	0.9	diagnosis
mucoviscidose	0.9	diagnosis
drépanocytose	0.9	diagnosis
hémophilie	0.9	diagnosis
maladie de Crohn	0.9	diagnosis
rectocolite hémorragique	0.9	diagnosis
maladie cœliaque	0.8	diagnosis
polyarthrite rhumatoïde	0.9	diagnosis
spondylarthrite	0.9	diagnosis
lupus	0.8	diagnosis
fibromyalgie	0.9	diagnosis
arthrose	0.6	diagnosis
ostéoporose	0.7	diagnosis
hernie discale	0.7	diagnosis
lombalgie	0.6	diagnosis
asthme	0.7	diagnosis
asthmatique	0.7	diagnosis
BPCO	0.8	diagnosis
bronchopneumopathie chronique obstructive	0.9	diagnosis
apnée du sommeil	0.8	diagnosis
hypothyroïdie	0.8	diagnosis
hyperthyroïdie	0.8	diagnosis
obésité	0.6	diagnosis
obésité morbide	0.9	diagnosis
anorexie	0.7	diagnosis
anorexie mentale	0.9	diagnosis
boulimie	0.8	diagnosis
troubles du comportement alimentaire	0.9	diagnosis
dénutrition	0.7	diagnosis
schizophrénie	0.9	diagnosis
schizophrène	0.9	diagnosis
trouble bipolaire	0.9	diagnosis
troubles bipolaires	0.9	diagnosis
bipolaire	0.6	diagnosis
psychose	0.9	diagnosis
paranoïa	0.7	diagnosis
dépression	0.4	diagnosis
syndrome dépressif	0.9	diagnosis
épisode dépressif	0.9	diagnosis
état dépressif	0.9	diagnosis
dépressif	0.6	diagnosis
dépressive	0.6	diagnosis
burn-out	0.6	diagnosis
trouble anxieux	0.8	diagnosis
troubles anxieux	0.8	diagnosis
trouble panique	0.8	diagnosis
attaques de panique	0.7	diagnosis
anxiété généralisée	0.8	diagnosis
phobie	0.5	diagnosis
trouble obsessionnel compulsif	0.9	diagnosis
TOC	0.6	diagnosis
stress post-traumatique	0.9	diagnosis
syndrome de stress post-traumatique	0.9	diagnosis
trouble de la personnalité	0.9	diagnosis
personnalité borderline	0.9	diagnosis
autisme	0.8	diagnosis
autiste	0.8	diagnosis
trouble du spectre de l'autisme	0.9	diagnosis
TSA	0.45	diagnosis
syndrome d'Asperger	0.9	diagnosis
TDAH	0.8	diagnosis
hyperactivité	0.5	diagnosis
trouble du déficit de l'attention	0.9	diagnosis
dyslexie	0.7	diagnosis
dyspraxie	0.7	diagnosis
trisomie 21	0.9	diagnosis
trisomie	0.8	diagnosis
syndrome de Down	0.9	diagnosis
infirmité motrice cérébrale	0.9	diagnosis
paralysie cérébrale	0.9	diagnosis
addiction	0.5	diagnosis
alcoolisme	0.8	diagnosis
alcoolodépendance	0.9	diagnosis
dépendance à l'alcool	0.9	diagnosis
toxicomanie	0.8	diagnosis
toxicomane	0.8	diagnosis
usage de stupéfiants	0.7	diagnosis
tentative de suicide	0.9	diagnosis
idées suicidaires	0.9	diagnosis
risque suicidaire	0.9	diagnosis
automutilation	0.9	diagnosis
scarifications	0.7	diagnosis
grossesse	0.5	diagnosis
enceinte	0.5	diagnosis
grossesse extra-utérine	0.9	diagnosis
interruption volontaire de grossesse	0.9	care
IVG	0.9	care
interruption médicale de grossesse	0.9	care
fausse couche	0.7	diagnosis
infertilité	0.8	diagnosis
stérilité	0.6	diagnosis
endométriose	0.9	diagnosis
ménopause	0.5	diagnosis
dysfonction érectile	0.9	diagnosis
cataracte	0.7	diagnosis
glaucome	0.8	diagnosis
dégénérescence maculaire	0.9	diagnosis
rétinopathie	0.9	diagnosis
acouphènes	0.6	diagnosis
migraine	0.5	diagnosis
maladie rare	0.7	diagnosis
maladie chronique	0.7	diagnosis
maladie génétique	0.8	diagnosis
allergie	0.4	diagnosis
eczéma	0.5	diagnosis
psoriasis	0.7	diagnosis
pathologie	0.4	diagnosis
comorbidité	0.7	diagnosis
comorbidités	0.7	diagnosis
fracture	0.4	diagnosis
traumatisme crânien	0.8	diagnosis
coma	0.6	diagnosis
état végétatif	0.9	diagnosis
escarre	0.8	diagnosis
incontinence	0.8	diagnosis
insuffisance veineuse	0.8	diagnosis
# treatments
chimiothérapie	0.9	treatment
radiothérapie	0.9	treatment
immunothérapie	0.8	treatment
hormonothérapie	0.8	treatment
curiethérapie	0.9	treatment
trithérapie	0.9	treatment
traitement antirétroviral	0.9	treatment
antirétroviral	0.9	treatment
antirétroviraux	0.9	treatment
PrEP	0.8	treatment
prophylaxie pré-exposition	0.9	treatment
insuline	0.6	treatment
insulinothérapie	0.9	treatment
metformine	0.8	treatment
antidépresseur	0.8	treatment
antidépresseurs	0.8	treatment
anxiolytique	0.8	treatment
anxiolytiques	0.8	treatment
neuroleptique	0.9	treatment
neuroleptiques	0.9	treatment
antipsychotique	0.9	treatment
antipsychotiques	0.9	treatment
benzodiazépine	0.8	treatment
benzodiazépines	0.8	treatment
thymorégulateur	0.9	treatment
hypnotique	0.5	treatment
somnifère	0.6	treatment
somnifères	0.6	treatment
lithium	0.5	treatment
méthadone	0.9	treatment
buprénorphine	0.9	treatment
Subutex	0.9	treatment
traitement de substitution aux opiacés	0.9	treatment
morphine	0.7	treatment
opioïde	0.7	treatment
opioïdes	0.7	treatment
tramadol	0.7	treatment
codéine	0.6	treatment
oxycodone	0.8	treatment
fentanyl	0.7	treatment
paracétamol	0.4	treatment
ibuprofène	0.4	treatment
anti-inflammatoire	0.4	treatment
corticoïdes	0.6	treatment
corticothérapie	0.8	treatment
antibiotique	0.4	treatment
antibiotiques	0.4	treatment
antibiothérapie	0.7	treatment
anticoagulant	0.7	treatment
anticoagulants	0.7	treatment
antiagrégant plaquettaire	0.8	treatment
bêtabloquant	0.7	treatment
antihypertenseur	0.7	treatment
statine	0.6	treatment
statines	0.6	treatment
lévothyrox	0.7	treatment
lévothyroxine	0.7	treatment
valproate	0.8	treatment
dépakine	0.9	treatment
antiépileptique	0.9	treatment
antiépileptiques	0.9	treatment
rispéridone	0.9	treatment
olanzapine	0.9	treatment
clozapine	0.9	treatment
aripiprazole	0.9	treatment
halopéridol	0.9	treatment
quétiapine	0.9	treatment
sertraline	0.9	treatment
fluoxétine	0.9	treatment
paroxétine	0.9	treatment
escitalopram	0.9	treatment
citalopram	0.9	treatment
venlafaxine	0.9	treatment
duloxétine	0.9	treatment
mirtazapine	0.9	treatment
alprazolam	0.9	treatment
bromazépam	0.9	treatment
diazépam	0.9	treatment
lorazépam	0.9	treatment
oxazépam	0.9	treatment
zolpidem	0.8	treatment
zopiclone	0.8	treatment
prégabaline	0.8	treatment
gabapentine	0.8	treatment
méthylphénidate	0.9	treatment
ritaline	0.9	treatment
méthotrexate	0.9	treatment
tamoxifène	0.9	treatment
létrozole	0.9	treatment
trastuzumab	0.9	treatment
adalimumab	0.9	treatment
interféron	0.8	treatment
warfarine	0.8	treatment
apixaban	0.8	treatment
rivaroxaban	0.8	treatment
héparine	0.7	treatment
dialyse	0.8	treatment
hémodialyse	0.9	treatment
dialyse péritonéale	0.9	treatment
greffe	0.5	treatment
greffe de rein	0.9	treatment
greffe de moelle	0.9	treatment
transplantation	0.7	treatment
transplantation rénale	0.9	treatment
transfusion	0.7	treatment
pontage coronarien	0.9	treatment
angioplastie	0.9	treatment
stimulateur cardiaque	0.8	treatment
pacemaker	0.7	treatment
prothèse de hanche	0.8	treatment
mastectomie	0.9	treatment
hystérectomie	0.9	treatment
appendicectomie	0.8	treatment
amputation	0.8	treatment
stomie	0.9	treatment
trachéotomie	0.9	treatment
sonde urinaire	0.8	treatment
oxygénothérapie	0.8	treatment
ventilation non invasive	0.8	treatment
électroconvulsivothérapie	0.9	treatment
sismothérapie	0.9	treatment
psychothérapie	0.7	treatment
thérapie cognitivo-comportementale	0.8	treatment
sevrage	0.5	treatment
sevrage alcoolique	0.9	treatment
cure de désintoxication	0.9	treatment
traitement	0.2	treatment
posologie	0.6	treatment
ordonnance	0.35	care
prescription médicale	0.6	care
vaccination	0.3	treatment
contraception	0.5	treatment
pilule contraceptive	0.7	treatment
procréation médicalement assistée	0.9	treatment
PMA	0.6	treatment
fécondation in vitro	0.9	treatment
FIV	0.5	treatment
# disability
handicap	0.5	disability
situation de handicap	0.6	disability
handicap psychique	0.9	disability
handicap mental	0.9	disability
handicap moteur	0.9	disability
handicap sensoriel	0.9	disability
polyhandicap	0.9	disability
polyhandicapé	0.9	disability
handicapé	0.5	disability
handicapée	0.5	disability
invalidité	0.6	disability
pension d'invalidité	0.8	disability
carte mobilité inclusion	0.8	disability
carte d'invalidité	0.8	disability
taux d'incapacité	0.8	disability
incapacité permanente	0.8	disability
allocation aux adultes handicapés	0.9	disability
AAH	0.7	disability
allocation d'éducation de l'enfant handicapé	0.9	disability
AEEH	0.8	disability
prestation de compensation du handicap	0.9	disability
PCH	0.6	disability
reconnaissance de la qualité de travailleur handicapé	0.9	disability
RQTH	0.8	disability
MDPH	0.7	disability
maison départementale des personnes handicapées	0.8	disability
CDAPH	0.8	disability
ESAT	0.6	disability
IME	0.45	disability
ITEP	0.6	disability
SESSAD	0.7	disability
foyer d'accueil médicalisé	0.8	disability
maison d'accueil spécialisée	0.8	disability
paraplégie	0.9	disability
paraplégique	0.9	disability
tétraplégie	0.9	disability
tétraplégique	0.9	disability
hémiplégie	0.9	disability
hémiplégique	0.9	disability
fauteuil roulant	0.6	disability
surdité	0.7	disability
sourd	0.4	disability
malentendant	0.6	disability
malentendante	0.6	disability
appareil auditif	0.6	disability
implant cochléaire	0.9	disability
cécité	0.8	disability
non-voyant	0.7	disability
malvoyant	0.7	disability
malvoyante	0.7	disability
déficience visuelle	0.8	disability
déficience intellectuelle	0.9	disability
retard mental	0.9	disability
retard psychomoteur	0.9	disability
perte d'autonomie	0.6	disability
dépendance	0.25	disability
GIR	0.4	disability
allocation personnalisée d'autonomie	0.7	disability
APA	0.4	disability
aidant familial	0.5	disability
aide humaine	0.4	disability
tutelle	0.4	disability
curatelle	0.5	disability
mesure de protection juridique	0.6	disability
# care
hospitalisation	0.6	care
hospitalisé	0.6	care
hospitalisée	0.6	care
hospitalisation complète	0.8	care
hospitalisation de jour	0.8	care
hospitalisation à domicile	0.8	care
hospitalisation sous contrainte	0.9	care
soins psychiatriques	0.9	care
soins psychiatriques sans consentement	0.9	care
soins sans consentement	0.9	care
hospitalisation d'office	0.9	care
mise en chambre d'isolement	0.9	care
contention	0.5	care
psychiatrie	0.7	care
psychiatre	0.6	care
pédopsychiatre	0.8	care
pédopsychiatrie	0.8	care
psychologue	0.4	care
centre médico-psychologique	0.8	care
CMP	0.5	care
CMPP	0.7	care
CSAPA	0.8	care
CAARUD	0.8	care
addictologie	0.8	care
addictologue	0.8	care
soins palliatifs	0.9	care
fin de vie	0.6	care
directives anticipées	0.8	care
réanimation	0.7	care
soins intensifs	0.8	care
urgences psychiatriques	0.9	care
passage aux urgences	0.6	care
bloc opératoire	0.7	care
intervention chirurgicale	0.7	care
compte rendu opératoire	0.9	care
compte rendu d'hospitalisation	0.9	care
compte rendu de consultation	0.8	care
lettre de liaison	0.6	care
dossier médical	0.7	care
dossier médical partagé	0.8	care
secret médical	0.6	care
certificat médical	0.7	care
arrêt de travail	0.6	care
arrêt maladie	0.7	care
congé maladie	0.6	care
congé de longue maladie	0.9	care
congé de longue durée	0.7	care
affection de longue durée	0.9	care
ALD	0.6	care
ALD 30	0.9	care
accident du travail	0.5	care
maladie professionnelle	0.6	care
médecine du travail	0.5	care
inaptitude	0.5	care
mi-temps thérapeutique	0.9	care
temps partiel thérapeutique	0.9	care
biopsie	0.8	care
IRM	0.5	care
scanner cérébral	0.8	care
scintigraphie	0.8	care
radiographie	0.4	care
échographie	0.5	care
mammographie	0.8	care
coloscopie	0.8	care
endoscopie	0.7	care
électrocardiogramme	0.7	care
électroencéphalogramme	0.8	care
bilan sanguin	0.5	care
prise de sang	0.5	care
analyses de sang	0.5	care
sérologie	0.7	care
charge virale	0.9	care
glycémie	0.7	care
hémoglobine glyquée	0.9	care
HbA1c	0.9	care
test de grossesse	0.8	care
dépistage	0.4	care
kinésithérapie	0.5	care
kinésithérapeute	0.4	care
orthophonie	0.6	care
orthophoniste	0.5	care
ergothérapie	0.6	care
rééducation	0.5	care
rééducation fonctionnelle	0.7	care
soins infirmiers	0.6	care
soins à domicile	0.6	care
SSIAD	0.7	care
HAD	0.45	care
EHPAD	0.5	care
unité de soins de longue durée	0.8	care
USLD	0.7	care
soins de suite et de réadaptation	0.8	care
SSR	0.4	care
maternité	0.4	care
accouchement	0.5	care
césarienne	0.8	care
suivi de grossesse	0.8	care
PMI	0.45	care
planning familial	0.6	care
consultation mémoire	0.9	care
médecin traitant	0.5	care
antécédents médicaux	0.8	care
antécédents psychiatriques	0.9	care
antécédents chirurgicaux	0.8	care
diagnostic	0.3	care
pronostic vital	0.8	care
symptômes	0.4	care
effets indésirables	0.6	care
allergie médicamenteuse	0.8	care
carnet de santé	0.7	care
carte vitale	0.5	care
complémentaire santé solidaire	0.6	care
aide médicale de l'état	0.7	care
AME	0.4	care
# context words: raise the score of nearby terms, never reported alone
patient	0	context
patiente	0	context
patients	0	context
diagnostiqué	0	context
diagnostiquée	0	context
atteint de	0	context
atteinte de	0	context
souffre de	0	context
souffrant de	0	context
suivi pour	0	context
suivie pour	0	context
traité pour	0	context
traitée pour	0	context
antécédents	0	context
médecin	0	context
docteur	0	context
Dr	0	context
hôpital	0	context
clinique	0	context
CHU	0	context
CHS	0	context
service de	0	context
prescrit	0	context
prescrite	0	context
examen clinique	0	context
consultation	0	context
infirmière	0	context
infirmier	0	context
santé	0	context
médical	0	context
médicale	0	context
thérapeutique	0	context
`;var In=x(.5),gt=200,Sn=x(.15),zn=3,Dn=x(.25);function vt(e=mt){let n=new H,t=[],r=0;return e.split(`
`).forEach((i,a,o)=>{if(a===o.length-1&&i==="")return;let s=i.trim();if(s===""||s.startsWith("#"))return;let[l,u,c]=s.split("	");if(l===void 0||u===void 0||c===void 0)return;let f=En(u.trim());if(f===null)return;let d=new RegExp("\\p{Alphabetic}","u").test(l)&&!new RegExp("\\p{Lowercase}","u").test(l),h={id:a,weight:f,context:c.trim()==="context",exactCase:d};r+=1;for(let v of d?[l]:oe(l))n.add(v),t.push(h)}),{dictionary:n,terms:t,lines:r}}function En(e){return/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(e)?x(Number(e)):null}function Un(e,n){if(e.length!==n.length)return!1;for(let t=0;t<e.length;t++)if(e[t]!==n[t])return!1;return!0}function xt(e,n,t,r){let i=[],a=0;for(let l of t){if(l<a)continue;let u=e.dictionary.longestAt(n,l);if(u<0)continue;let c=e.dictionary.matchEnd,f=e.terms[u],d=e.dictionary.patterns[u];f===void 0||d===void 0||f.exactCase&&!Un(d,n.subarray(l,c))||ie(n,c)||(a=c,i.push({start:l,end:c,term:f}))}let o=0,s=0;for(let l of i){if(l.term.context)continue;for(;i[o].end+gt<l.start;)o+=1;for(;s+1<i.length&&i[s+1].start<=l.end+gt;)s+=1;let u=[],c=!1;for(let d=o;d<=s;d++){let h=i[d].term;h.id!==l.term.id&&(h.context?c=!0:!u.includes(h.id)&&u.length<zn&&u.push(h.id))}let f=x(l.term.weight+x(Sn*u.length));f=x(f+(c?Dn:0)),f=Math.min(f,1),f>=In&&r.push({kind:"health",start:l.start,end:l.end,confidence:f})}}var Mn={nir:[3,2],iban:[4,2],card:[0,4],rib:[0,2],cni:[0,2],passport:[0,2],birthdate:[0,2],email:[1,2],health:[1,0],finess:[2,2],rpps:[2,2],adeli:[2,2],siren:[2,2],siret:[2,2],phone:[2,2]},yt=new TextDecoder;function bt(e,n){let t=0;for(let s of n){if(s>=128)return On(e,yt.decode(n));z(s)&&(t+=1)}let[r,i]=wt(e,t),a=n.slice(),o=0;for(let s=0;s<a.length;s++)z(a[s])&&(o<r||o>=t-i||(a[s]=42),o+=1);return yt.decode(a)}function wt(e,n){let[t,r]=Mn[e];for(;t+r>0&&2*(t+r)>n;)r>=t?r-=1:t-=1;return[t,r]}function On(e,n){let t=[...n],r=t.filter(l=>R(l.codePointAt(0)??-1)).length,[i,a]=wt(e,r),o=0,s="";for(let l of t){if(!R(l.codePointAt(0)??-1)){s+=l;continue}s+=o<i||o>=r-a?l:"*",o+=1}return s}var Ln=64,Nn=253;function At(e,n){let t=0,r=e.indexOf(64);for(;r>=0;){if(r>=t){let i=Pn(e,r,t),a=i<0?-1:Fn(e,r+1);i>=0&&a>=0&&(n.push({kind:"email",start:i,end:a,confidence:x(.95)}),t=a)}r=e.indexOf(64,r+1)}}function Bn(e){return z(e)||e===46||e===95||e===37||e===43||e===45||e===39}function Pn(e,n,t){let r=n;for(;r>t&&Bn(e[r-1]);)if(r-=1,n-r>Ln)return-1;for(;r<n&&(e[r]===46||e[r]===39);)r+=1;return r<n?r:-1}function Fn(e,n){let t=n;for(;t<e.length&&(z(e[t])||e[t]===46||e[t]===45);)if(t+=1,t-n>Nn)return-1;for(;t>n&&(e[t-1]===46||e[t-1]===45);)t-=1;let r=-1,i=n;for(let a=n;a<=t;a++)if(a===t||e[a]===46){if(a===i||e[i]===45)return-1;a<t&&(r=a),i=a+1}if(r<0||t-r-1<2)return-1;for(let a=r+1;a<t;a++)if(!V(e[a]))return-1;return t}function J(e){if(e.length===0)return!1;let n=0;for(let t=0;t<e.length;t++){let r=e[e.length-1-t];if(!p(r))return!1;let i=r-48;t%2===1&&(i*=2,i>9&&(i-=9)),n+=i}return n%10===0}function se(e){let n=0;for(let t=0;t<e.length;t++){let r=e[t];if(!p(r))return-1;n=(n*10+(r-48))%97}return n}function Ct(e,n){return p(e)&&p(n)?(e-48)*10+(n-48):-1}function Ce(e){if(e.length!==15)return!1;let[n,t,r,i,a,o,s]=e;if(![49,50,51,52,55,56].includes(n)||!(p(t)&&p(r)&&p(i)&&p(a)))return!1;let l=(i-48)*10+(a-48);if(!(l>=1&&l<=12||l===20||l>=30&&l<=42||l>=50))return!1;let u=q(s),c;if(o===50&&u===65)c=[49,57];else if(o===50&&u===66)c=[49,56];else if(p(o)&&p(u)&&!(o===48&&u===48))c=[o,u];else return!1;let f=e.subarray(7),d=f.subarray(0,f.length-2);if(d[3]===48&&d[4]===48&&d[5]===48)return!1;let h=[n,t,r,i,a,...c,...d],v=se(h),C=Ct(f[f.length-2],f[f.length-1]);return v>=0&&C>=0&&C===97-v}function Tt(e){if(e.length<4||Te(e[0],e[1])!==e.length||!p(e[2])||!p(e[3]))return!1;for(let t=4;t<e.length;t++)if(!z(e[t]))return!1;let n=0;for(let t=0;t<e.length;t++){let r=e[(t+4)%e.length],i;if(p(r))i=r-48;else if(r>=65&&r<=90)i=r-65+10;else if(r>=97&&r<=122)i=r-97+10;else return!1;n=i<10?(n*10+i)%97:(n*100+i)%97}return n===1}function Te(e,n){return qn.get(String.fromCharCode(e,n))??-1}var qn=new Map(Object.entries({AD:24,AE:23,AL:28,AT:20,AZ:28,BA:20,BE:16,BG:22,BH:22,BI:27,BR:29,BY:28,CH:21,CR:22,CY:28,CZ:24,DE:22,DJ:27,DK:18,DO:28,EE:20,EG:29,ES:24,FI:18,FK:18,FO:18,FR:27,GB:22,GE:22,GI:23,GL:18,GR:27,GT:28,HN:28,HR:21,HU:28,IE:22,IL:23,IQ:23,IS:26,IT:27,JO:30,KW:30,KZ:20,LB:28,LC:32,LI:21,LT:20,LU:20,LV:21,LY:25,MC:27,MD:24,ME:22,MK:19,MN:20,MR:27,MT:31,MU:30,NI:28,NL:18,NO:15,OM:23,PK:24,PL:28,PS:29,PT:25,QA:29,RO:24,RS:22,RU:33,SA:24,SC:31,SD:18,SE:24,SI:19,SK:24,SM:27,SO:23,ST:25,SV:28,TL:23,TN:24,TR:26,UA:29,VA:22,VG:24,XK:20,YE:30}));function ke(e){if(e.length!==23)return!1;let n=[];for(let o of e.subarray(10,21)){let s=Rn(o);if(s<0)return!1;n.push(s)}let t=se(e.subarray(0,5)),r=se(e.subarray(5,10)),i=se(n),a=Ct(e[21],e[22]);return t<0||r<0||i<0||a<0?!1:a===97-(89*t+15*r+3*i)%97}function Rn(e){let n=q(e);return p(n)?n:n>=65&&n<=73?49+(n-65):n>=74&&n<=82?49+(n-74):n>=83&&n<=90?50+(n-83):-1}function kt(e){if(e.length!==14||!e.every(t=>p(t)))return!1;if(J(e))return!0;let n=e.reduce((t,r)=>t+r-48,0);return String.fromCharCode(...e.subarray(0,9))==="356000000"&&n%5===0}function It(e){return Hn(e)&&J(e)}function Hn(e){let n=e.length;if(n<12||n>19||!e.every(i=>p(i)))return!1;let t=i=>e.subarray(0,i).reduce((a,o)=>a*10+o-48,0),r=e[0];if(r===52)return n===13||n===16||n===19;if(r===51){let i=t(2);if(i===34||i===37)return n===15;let a=t(4);if(a>=3528&&a<=3589)return n>=16;let o=t(3);return i===36||i===38||i===39||o>=300&&o<=305?n>=14:!1}if(r===53){let i=t(2);return i>=51&&i<=55?n===16:i===50||i>=56&&i<=58}if(r===50){let i=t(4);return i>=2221&&i<=2720&&n===16}return r===54}var De=23,Wn=40,St=4*De,Se=class{groups=[];compact=new Uint8Array(St*64);compactLength=0;collect(n,t){this.groups=[],this.compactLength=0;let r=t;for(;;){let i=ze(n,r);if(!jn(n,r,i))return[this.groups.length===0?i:r,!1];if(this.groups.length===St)return[r,!0];let a=this.compactLength;if(this.compactLength+(i-r)>this.compact.length){let l=new Uint8Array(2*(this.compactLength+(i-r)));l.set(this.compact.subarray(0,this.compactLength)),this.compact=l}for(let l=r;l<i;l++)this.compact[this.compactLength++]=q(n[l]);this.groups.push({start:r,end:i,compactStart:a,compactEnd:this.compactLength});let o=X(n,i),s=i+o;if(o===0||!p(n[s]))return[i,!1];r=s}}classify(n,t,r,i,a){for(let o=0;o<i;o++){let s=this.groups[o],l=0;for(let u=o;u<this.groups.length;u++){let c=this.groups[u],f=c.compactEnd-s.compactStart;if(f>De||u-o>=2&&c.compactEnd-c.compactStart===1)break;if(f>=9){let d=this.compact.subarray(s.compactStart,c.compactEnd),h={start:s.start,end:c.end,boundaries:l,atRunStart:r&&o===0},v=Gn(n,d,h,t);v!==null&&a.push(v)}l|=1<<f}}}};function zt(e){return e.reduce((n,t)=>n|1<<t,0)}function D(e,n){return(e.boundaries&~zt(n))===0}function $n(e,n){return e.boundaries===0||e.boundaries===zt(n)}function k(e,n,t){return{kind:n,start:e.start,end:e.end,confidence:x(t)}}function Ie(e,n){if(e.length<n.length)return!1;for(let t=0;t<n.length;t++)if(e[t]!==n.charCodeAt(t))return!1;return!0}function Gn(e,n,t,r){let i=n.length;if(n.some(o=>V(o)))return i===15&&D(t,[1,3,5,7,10,13])&&Ce(n)?k(t,"nir",.95):i===23&&D(t,[5,10,21])&&ke(n)?k(t,"rib",.95):null;let a=o=>lt(e,t.start,Wn,o);if(i===9)return!(D(t,[2,3,6])&&J(n))||a(["adeli"])?null:a(["finess"])?k(t,"finess",.95):D(t,[3,6])?k(t,"siren",a(["siren","siret","rcs","entreprise","societe"])?.95:.7):null;if(i===10)return n[0]===48&&n[1]!==48&&$n(t,[2,4,6,8])?k(t,"phone",t.boundaries===0?.7:.85):null;if(i===11){if(r&&t.atRunStart&&Ie(n,"33")&&n[2]!==48&&D(t,[2,3,5,7,9]))return{kind:"phone",start:t.start-1,end:t.end,confidence:x(.9)};if(t.boundaries===0&&J(n)){if(a(["rpps"]))return k(t,"rpps",.95);if(Ie(n,"10"))return k(t,"rpps",.7)}return null}return i===13&&Ie(n,"0033")&&n[4]!==48&&D(t,[4,5,7,9,11])?k(t,"phone",.9):i===14&&D(t,[3,6,9])&&kt(n)?k(t,"siret",.95):i===15&&D(t,[1,3,5,7,10,13])&&Ce(n)?k(t,"nir",.95):i===23?D(t,[5,10,21])&&ke(n)?k(t,"rib",.95):null:i>=12&&i<=19&&Zn(i,t)&&It(n)?k(t,"card",.9):null}function Zn(e,n){return D(n,[4,8,12,16])||(e===14||e===15)&&D(n,[4,10])}function jn(e,n,t){let r=!1,i=-1,a=0;for(let s=n;s<t;s++)p(e[s])?r=!0:(a+=1,i<0&&(i=s));if(t-n===11&&r||a===0)return!0;let o=e[i];return a===1&&(o===65||o===66||o===97||o===98)&&i>n&&e[i-1]===50}function Vn(e,n,t){if(t-n!==9||!p(e[n])||!p(e[n+1])||!M(e[n+2])||!M(e[n+3]))return!1;for(let r=n+4;r<t;r++)if(!p(e[r]))return!1;return!0}function ze(e,n){let t=n;for(;t<e.length&&A(e[t]);)t++;return t}function Yn(e,n){if(n+2>e.length)return null;let t=Te(e[n],e[n+1]);if(t<0)return null;let r=new Uint8Array(t),i=0,a=n;for(;i<t;){let o=X(e,a);o>0&&e[a]!==46&&e[a]!==45&&i>0&&(a+=o);let s=e[a];if(!z(s))return null;r[i++]=q(s),a+=1}return A(e[a])?null:Tt(r)?{kind:"iban",start:n,end:a,confidence:x(.99)}:a}function Dt(e,n){let t=new Se,r=0;for(;;){let i=ne(e,r);if(i<0)return;if(i>0&&A(e[i-1])){let u=i-2;if(i>=2&&M(e[u])&&M(e[u+1])&&(u===0||!A(e[u-1]))){let c=Yn(e,u);if(c!==null){typeof c=="number"?r=c:(n.push(c),r=c.end);continue}}r=ze(e,i);continue}let[a,o]=t.collect(e,i);if(t.groups.length===0){let u=ze(e,i);Vn(e,i,u)&&n.push({kind:"passport",start:i,end:u,confidence:x(.5)}),r=u;continue}let s=i>0&&e[i-1]===43;if(!o){t.classify(e,s,!0,t.groups.length,n),r=Math.max(a,i+1);continue}let l=!0;for(;;){let u=o?t.groups.length-De:t.groups.length;if(t.classify(e,s&&l,l,u,n),!o)break;l=!1;let c=t.groups[u].start;[a,o]=t.collect(e,c),r=Math.max(a,c+1)}}}var Ee=null;function Et(e){let n=typeof e=="string"?new TextEncoder().encode(e):e;if(Ee===null){let l=dt(),u=vt();Ee={context:l,health:u,either:new Set([...l.dictionary.firstWordHashes(),...u.dictionary.firstWordHashes()])}}let t=[];Dt(n,t),At(n,t);let r=[],i=[],{context:a,health:o,either:s}=Ee;return at(n,(l,u)=>{s.has(u)&&(a.dictionary.mayStart(u)&&r.push(l),o.dictionary.mayStart(u)&&i.push(l))}),ht(a,n,r,t),xt(o,n,i,t),Xn(n,t)}function Xn(e,n){n.sort((i,a)=>i.start-a.start||i.end-a.end);let t=[],r=0;for(;r<n.length;){let i=r+1,a=n[r].end;for(;i<n.length&&n[i].start<a;)a=Math.max(a,n[i].end),i+=1;let o=i===r+1?[n[r]]:Jn(n.slice(r,i)).sort((s,l)=>s.start-l.start);for(let s of o)t.push({kind:s.kind,start:s.start,end:s.end,excerpt:bt(s.kind,e.subarray(s.start,s.end)),confidence:s.confidence});r=i}return t}function Jn(e){e.sort((t,r)=>r.end-r.start-(t.end-t.start)||r.confidence-t.confidence||t.start-r.start);let n=[];for(let t of e)n.some(r=>r.start<t.end&&t.start<r.end)||n.push(t);return n}var Qn=3;async function Ut(e,n=()=>{}){let t={kinds:new Map,notInspectable:0},r=[],i=e.reduce((o,s)=>o+s.size,0),a=0;for(let o of e){n(a,i);let s=[],l=null;if(o.size>ye.maxFileBytes)l="too-large";else{let u=nt(await o.bytes(),o.name);"text"in u?s=Et(u.text):l=u.notInspectable}l!==null&&(t.notInspectable+=1),Ke(t,s),r.push({name:o.name,notInspectable:l,kinds:_n(s)}),a+=o.size,await new Promise(u=>setTimeout(u,0))}return n(i,i),{labels:t,files:r}}function _n(e){let n=new Map;for(let t of e){let r=n.get(t.kind);r===void 0&&(r={kind:t.kind,count:0,excerpts:[]},n.set(t.kind,r)),r.count+=1,r.excerpts.length<Qn&&!r.excerpts.includes(t.excerpt)&&r.excerpts.push(t.excerpt)}return[...n.values()]}var Q=self;Q.onmessage=e=>{Q.postMessage({ready:!0});let n=e.data.files;Ut(n.map(t=>({name:t.name,size:t.size,bytes:async()=>new Uint8Array(await t.arrayBuffer())})),(t,r)=>Q.postMessage({progress:[t,r]})).then(t=>Q.postMessage({inspection:t})).catch(t=>Q.postMessage({error:t instanceof Error?t.name:"error"}))};
/*! Bundled license information:

smol-toml/dist/error.js:
smol-toml/dist/primitive.js:
smol-toml/dist/date.js:
smol-toml/dist/extract.js:
smol-toml/dist/util.js:
smol-toml/dist/struct.js:
smol-toml/dist/parse.js:
smol-toml/dist/stringify.js:
smol-toml/dist/index.js:
  (*!
   * Copyright (c) Squirrel Chat et al., All rights reserved.
   * SPDX-License-Identifier: BSD-3-Clause
   *
   * Redistribution and use in source and binary forms, with or without
   * modification, are permitted provided that the following conditions are met:
   *
   * 1. Redistributions of source code must retain the above copyright notice, this
   *    list of conditions and the following disclaimer.
   * 2. Redistributions in binary form must reproduce the above copyright notice,
   *    this list of conditions and the following disclaimer in the
   *    documentation and/or other materials provided with the distribution.
   * 3. Neither the name of the copyright holder nor the names of its contributors
   *    may be used to endorse or promote products derived from this software without
   *    specific prior written permission.
   *
   * THIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS AND CONTRIBUTORS "AS IS" AND
   * ANY EXPRESS OR IMPLIED WARRANTIES, INCLUDING, BUT NOT LIMITED TO, THE IMPLIED
   * WARRANTIES OF MERCHANTABILITY AND FITNESS FOR A PARTICULAR PURPOSE ARE
   * DISCLAIMED. IN NO EVENT SHALL THE COPYRIGHT HOLDER OR CONTRIBUTORS BE LIABLE
   * FOR ANY DIRECT, INDIRECT, INCIDENTAL, SPECIAL, EXEMPLARY, OR CONSEQUENTIAL
   * DAMAGES (INCLUDING, BUT NOT LIMITED TO, PROCUREMENT OF SUBSTITUTE GOODS OR
   * SERVICES; LOSS OF USE, DATA, OR PROFITS; OR BUSINESS INTERRUPTION) HOWEVER
   * CAUSED AND ON ANY THEORY OF LIABILITY, WHETHER IN CONTRACT, STRICT LIABILITY,
   * OR TORT (INCLUDING NEGLIGENCE OR OTHERWISE) ARISING IN ANY WAY OUT OF THE USE
   * OF THIS SOFTWARE, EVEN IF ADVISED OF THE POSSIBILITY OF SUCH DAMAGE.
   *)
*/
